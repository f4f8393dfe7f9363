"use client";
import { ErrorState } from "@/components/ui/error-state";

export default function VaultError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState title="The vault could not be loaded" error={error} retry={retry} />;
}
