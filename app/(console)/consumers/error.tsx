"use client";
import { ErrorState } from "@/components/ui/error-state";

export default function ConsumersError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState title="The consumers could not be loaded" error={error} retry={retry} />;
}
