import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PendingChanges } from "@/components/servers/pending-changes";
import { ServerHeader } from "@/components/servers/server-header";
import { requirePageRole } from "@/lib/auth/session";
import { listPendingChanges } from "@/lib/console/pending-changes";
import { findServer } from "@/lib/console/servers";

export const metadata: Metadata = { title: "Pending changes" };

export default async function ServerPendingChangesPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageRole(["admin"]);
  const { id } = await params;
  const server = await findServer(id);
  if (!server) notFound();
  return (
    <>
      <ServerHeader server={server} tab="changes" />
      <PendingChanges serverId={id} changes={await listPendingChanges(id)} />
    </>
  );
}
