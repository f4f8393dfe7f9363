import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Consumer groups" };

export default async function GroupsPage() {
  await requirePageRole(["admin"] as const);
  return (
    <>
      <PageHeader title="Consumer groups" description="Groups such as admin and developer are the columns of the tool access matrix." />
      <EmptyState title="No consumer groups yet" />
    </>
  );
}
