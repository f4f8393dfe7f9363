import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "MCP servers" };

export default async function ServersPage() {
  await requirePageRole(["admin"] as const);
  return (
    <>
      <PageHeader title="MCP servers" description="Register the upstream MCP servers (GitHub, Konnect, …) that your agents may reach through the gateway." />
      <EmptyState title="No MCP servers yet" />
    </>
  );
}
