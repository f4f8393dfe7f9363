"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { api, ApiError } from "@/lib/client/api";
import { Button } from "../ui/button";
import { EmptyState } from "../ui/empty-state";
import { FormError } from "../ui/form-error";

/**
 * A developer's first visit to My keys when admins let consumers be created
 * automatically: asks the server for the developer's consumer (a POST, so the
 * page's GET stays free of side effects and the change reaches the gateways
 * like any other write), then shows it.
 */
export function CreateOwnConsumer() {
  const router = useRouter();
  const create = useMutation({
    mutationFn: () => api<{ username: string }>("/api/me/consumers", { method: "POST" }),
    onSuccess: () => router.refresh(),
  });
  const { mutate } = create;
  useEffect(() => mutate(), [mutate]);
  if (create.isError) {
    return (
      <EmptyState title="Your consumer could not be created" action={<Button onClick={() => create.mutate()}>Try again</Button>}>
        <FormError message={create.error instanceof ApiError ? create.error.message : "Something went wrong."} />
      </EmptyState>
    );
  }
  return (
    <div role="status" className="rounded-lg border border-dashed border-zinc-300 px-6 py-10 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
      {create.isSuccess ? `Created consumer ${create.data.username}. Loading…` : "Setting up your consumer…"}
    </div>
  );
}
