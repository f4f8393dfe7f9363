import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Data planes" };

export default async function DataPlanesPage() {
  await requirePageRole(["admin"] as const);
  return (
    <>
      <PageHeader title="Data planes" description="Each gateway process that serves traffic reports its configuration version and health here." />
      <EmptyState title="No data planes yet" />
    </>
  );
}
