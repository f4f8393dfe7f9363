import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { MatrixEditor } from "@/components/access/matrix-editor";
import { ServerHeader } from "@/components/servers/server-header";
import { requirePageRole } from "@/lib/auth/session";
import { loadAccessMatrix } from "@/lib/console/access-matrix";
import { findServer } from "@/lib/console/servers";

export const metadata: Metadata = { title: "Tool access" };

export default async function ServerAccessPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageRole(["admin"]);
  const { id } = await params;
  const [server, matrix] = await Promise.all([findServer(id), loadAccessMatrix(id)]);
  if (!server || !matrix) notFound();
  return (
    <>
      <ServerHeader server={server} tab="access" />
      <MatrixEditor initial={matrix} />
    </>
  );
}
