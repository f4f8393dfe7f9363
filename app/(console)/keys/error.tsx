"use client";
import { ErrorState } from "@/components/ui/error-state";

export default function MyKeysError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState title="Your keys could not be loaded" error={error} retry={retry} />;
}
