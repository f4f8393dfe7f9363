import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Tool access" };

export default async function AccessPage() {
  await requirePageRole(["admin"] as const);
  return (
    <>
      <PageHeader title="Tool access" description="The tool access matrix decides which consumer group may call which tool of each server." />
      <EmptyState title="No tool access rules yet" />
    </>
  );
}
