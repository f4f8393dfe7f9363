import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage() {
  await requirePageRole(["admin", "viewer"] as const);
  return (
    <>
      <PageHeader title="Audit" description="Every gateway request is recorded here: who called which tool, and what was decided." />
      <EmptyState title="No audit events yet" />
    </>
  );
}
