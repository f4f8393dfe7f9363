import type { Metadata } from "next";
import { AuditSinksView } from "@/components/controlplane/audit-sinks-view";
import { DataPlanesView } from "@/components/controlplane/data-planes-view";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";
import { listAuditSinks } from "@/lib/console/audit-sinks";
import { listDataPlanes } from "@/lib/console/data-planes";

export const metadata: Metadata = { title: "Data planes" };

export default async function DataPlanesPage() {
  await requirePageRole(["admin"]);
  return (
    <>
      <PageHeader title="Data planes" description="Gateway processes connected to this console: the configuration version each applied, and whether it is in sync." />
      <DataPlanesView initial={await listDataPlanes()} />
      <div className="mt-10">
        <AuditSinksView initial={await listAuditSinks()} />
      </div>
    </>
  );
}
