import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Vault" };

export default async function VaultPage() {
  await requirePageRole(["admin"] as const);
  return (
    <>
      <PageHeader title="Vault" description="Upstream credentials are stored here encrypted and referenced as {vault://portcullis/<name>}." />
      <EmptyState title="No secrets yet" />
    </>
  );
}
