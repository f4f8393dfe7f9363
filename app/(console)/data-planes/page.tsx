import type { Metadata } from "next";
import { DataPlanesView } from "@/components/controlplane/data-planes-view";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";
import { listDataPlanes } from "@/lib/console/data-planes";

export const metadata: Metadata = { title: "Data planes" };

export default async function DataPlanesPage() {
  await requirePageRole(["admin"]);
  return (
    <>
      <PageHeader title="Data planes" description="Gateway processes connected to this console: the configuration version each applied, and whether it is in sync." />
      <DataPlanesView initial={await listDataPlanes()} />
    </>
  );
}
