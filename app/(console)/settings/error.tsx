"use client";
import { ErrorState } from "@/components/ui/error-state";

export default function SettingsError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState title="The settings could not be loaded" error={error} retry={retry} />;
}
