import type { Metadata } from "next";
import { ApprovalsInbox } from "@/components/approvals/approvals-inbox";
import { LinkTabs } from "@/components/ui/link-tabs";
import { PageHeader } from "@/components/ui/page-header";
import { ROLES } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listApprovals } from "@/lib/console/approvals";

export const metadata: Metadata = { title: "Approvals" };

export default async function ApprovalsPage({ searchParams }: { searchParams: Promise<{ view?: string }> }) {
  // Anyone may open the inbox: it lists only the calls they made or may decide.
  const user = await requirePageRole(ROLES);
  const view = (await searchParams).view === "decided" ? "decided" : "pending";
  return (
    <>
      <PageHeader
        title="Approvals"
        description="Tool calls the gateways hold until someone approves them, or their caller confirms them. An approved call goes through once, from any gateway, before it expires."
      />
      <LinkTabs
        label="Approvals"
        current={view === "pending" ? "/approvals" : "/approvals?view=decided"}
        tabs={[
          { href: "/approvals", label: "Waiting" },
          { href: "/approvals?view=decided", label: "Decided" },
        ]}
      />
      <ApprovalsInbox key={view} view={view} initial={await listApprovals(user, view)} />
    </>
  );
}
