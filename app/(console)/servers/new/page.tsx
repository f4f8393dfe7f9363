import type { Metadata } from "next";
import { ServerForm } from "@/components/servers/server-form";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";
import { gatewayPublicUrl } from "@/lib/console/gateway-url";
import { listServers, listVaultSecretNames } from "@/lib/console/servers";

export const metadata: Metadata = { title: "New MCP server" };

export default async function NewServerPage() {
  await requirePageRole(["admin"]);
  return (
    <>
      <PageHeader
        title="New MCP server"
        description="A route on the gateway to one upstream MCP server, closed to everyone until you open its tools. Tools and access rules come next."
      />
      <ServerForm secrets={await listVaultSecretNames()} publicUrl={await gatewayPublicUrl()} copySources={(await listServers()).map(({ id, name }) => ({ id, name }))} />
    </>
  );
}
