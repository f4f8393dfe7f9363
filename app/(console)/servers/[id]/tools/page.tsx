import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ServerHeader } from "@/components/servers/server-header";
import { ToolsManager } from "@/components/tools/tools-manager";
import { requirePageRole } from "@/lib/auth/session";
import { findServer, listVaultSecretNames } from "@/lib/console/servers";
import { listServerTools } from "@/lib/console/tools";

export const metadata: Metadata = { title: "Tools" };

export default async function ServerToolsPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageRole(["admin"]);
  const { id } = await params;
  const server = await findServer(id);
  if (!server) notFound();
  const [tools, secrets] = await Promise.all([listServerTools(id), listVaultSecretNames()]);
  return (
    <>
      <ServerHeader server={server} tab="tools" />
      <ToolsManager serverId={id} upstream={server.settings.upstream} tools={tools} secrets={secrets} />
    </>
  );
}
