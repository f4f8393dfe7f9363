import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { MatrixEditor } from "@/components/access/matrix-editor";
import { RequirementsPanel } from "@/components/access/requirements-panel";
import { ServerHeader } from "@/components/servers/server-header";
import { requirePageRole } from "@/lib/auth/session";
import { loadAccessMatrix } from "@/lib/console/access-matrix";
import { listGroupNames } from "@/lib/console/groups";
import { findServer } from "@/lib/console/servers";
import { loadRequirements } from "@/lib/console/tool-requirements";

export const metadata: Metadata = { title: "Tool access" };

export default async function ServerAccessPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageRole(["admin"]);
  const { id } = await params;
  const [server, matrix, requirements, groups] = await Promise.all([findServer(id), loadAccessMatrix(id), loadRequirements(id), listGroupNames()]);
  if (!server || !matrix || !requirements) notFound();
  return (
    <>
      <ServerHeader server={server} tab="access" />
      <MatrixEditor initial={matrix} />
      <RequirementsPanel serverId={id} tools={matrix.tools.filter((t) => !t.unlisted).map((t) => t.name)} groups={groups} initial={requirements} />
    </>
  );
}
