import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { ROLES } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "My keys" };

export default async function KeysPage() {
  await requirePageRole(ROLES);
  return (
    <>
      <PageHeader title="My keys" description="API keys identify your AI agent to the gateway." />
      <EmptyState title="No API keys yet" />
    </>
  );
}
