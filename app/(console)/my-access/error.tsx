"use client";
import { ErrorState } from "@/components/ui/error-state";

export default function MyAccessError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState title="Your access could not be loaded" error={error} retry={retry} />;
}
