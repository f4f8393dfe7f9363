import type { Metadata } from "next";
import { McpClientsManager } from "@/components/oauth/mcp-clients-manager";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";
import { listOAuthClients } from "@/lib/oauth-server/clients";
import { readAuthorizationServerSettings } from "@/lib/oauth-server/settings";

export const metadata: Metadata = { title: "MCP clients" };

export default async function McpClientsPage() {
  await requirePageRole(["admin"]);
  return (
    <>
      <PageHeader
        title="MCP clients"
        description="The MCP clients that sign in with Portcullis on sign-in routes: identified by a metadata document, registered by themselves, or by an admin here."
      />
      <McpClientsManager clients={await listOAuthClients()} registration={readAuthorizationServerSettings(process.env).registration} />
    </>
  );
}
