import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ServerForm } from "@/components/servers/server-form";
import { ServerHeader } from "@/components/servers/server-header";
import { requirePageRole } from "@/lib/auth/session";
import { gatewayPublicUrl } from "@/lib/console/gateway-url";
import { findServer, listVaultSecretNames } from "@/lib/console/servers";

export const metadata: Metadata = { title: "Edit MCP server" };

export default async function EditServerPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageRole(["admin"]);
  const server = await findServer((await params).id);
  if (!server) notFound();
  return (
    <>
      <ServerHeader server={server} tab="overview" />
      <ServerForm serverId={server.id} settings={server.settings} secrets={await listVaultSecretNames()} publicUrl={await gatewayPublicUrl()} />
    </>
  );
}
