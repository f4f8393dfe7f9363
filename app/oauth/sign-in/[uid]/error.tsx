"use client";
import { ErrorPanel } from "@/components/ui/error-panel";

export default function Error({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorPanel title="This sign-in could not be loaded" retry={retry} digest={(error as { digest?: string })?.digest} />;
}
