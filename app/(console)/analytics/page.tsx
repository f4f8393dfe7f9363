import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Analytics" };

export default async function AnalyticsPage() {
  await requirePageRole(["admin", "viewer"] as const);
  return (
    <>
      <PageHeader title="Analytics" description="Requests, denials, errors and latency per server, tool and consumer appear here once agents call the gateway." />
      <EmptyState title="No traffic yet" />
    </>
  );
}
