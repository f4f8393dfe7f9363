"use client";
import { ErrorState } from "@/components/ui/error-state";

export default function UsersError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState title="The users could not be loaded" error={error} retry={retry} />;
}
