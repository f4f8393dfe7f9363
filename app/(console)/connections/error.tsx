"use client";
import { ErrorState } from "@/components/ui/error-state";

export default function ConnectedAccountsError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState title="Your connected accounts could not be loaded" error={error} retry={retry} />;
}
