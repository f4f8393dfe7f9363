"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { api, ApiError } from "@/lib/client/api";
import type { ToolDefinition } from "@/lib/console/schemas/tools";
import type { ToolDiff } from "@/lib/console/tool-diff";

/** Accepts a previewed tool list; the page's server data is refreshed afterwards. */
export function useAcceptTools(serverId: string, source: "sync" | "import", onDone: (diff: ToolDiff) => void) {
  const router = useRouter();
  const mutation = useMutation({
    mutationFn: (tools: ToolDefinition[]) => api<{ diff: ToolDiff }>(`/api/servers/${serverId}/tools`, { method: "PUT", body: { source, tools } }),
    onSuccess: ({ diff }) => {
      router.refresh();
      onDone(diff);
    },
  });
  const error = mutation.error ? (mutation.error instanceof ApiError ? mutation.error.message : "Something went wrong.") : undefined;
  return { accept: mutation.mutate, pending: mutation.isPending, error, reset: mutation.reset };
}
