"use client";
import { ErrorState } from "@/components/ui/error-state";

export default function McpClientsError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState title="The MCP clients could not be loaded" error={error} retry={retry} />;
}
