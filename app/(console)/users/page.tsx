import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  await requirePageRole(["admin"] as const);
  return (
    <>
      <PageHeader title="Users" description="Invite console users and give them a role: admin, developer or viewer." />
      <EmptyState title="Only you so far" />
    </>
  );
}
