import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Activity log" };

export default async function ActivityPage() {
  await requirePageRole(["admin"] as const);
  return (
    <>
      <PageHeader title="Activity log" description="Every change made in the console is recorded here with its before and after." />
      <EmptyState title="No changes yet" />
    </>
  );
}
