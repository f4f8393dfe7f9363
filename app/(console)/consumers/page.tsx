import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Consumers" };

export default async function ConsumersPage() {
  await requirePageRole(["admin"] as const);
  return (
    <>
      <PageHeader title="Consumers" description="A consumer is an agent or person that calls MCP servers through the gateway with an API key." />
      <EmptyState title="No consumers yet" />
    </>
  );
}
