import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ApprovalDetailView } from "@/components/approvals/approval-detail";
import { PageHeader } from "@/components/ui/page-header";
import { ROLES } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { getApproval } from "@/lib/console/approvals";
import { ConsoleError } from "@/lib/console/errors";

export const metadata: Metadata = { title: "Approval" };

export default async function ApprovalPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageRole(ROLES);
  const approval = await getApproval(user, (await params).id).catch((error: unknown) => {
    if (error instanceof ConsoleError && error.code === "not_found") notFound();
    throw error;
  });
  return (
    <>
      <PageHeader
        title={`${approval.tool} on ${approval.server}`}
        description={approval.kind === "confirm" ? "Your agent asks you to confirm this exact call." : `${approval.consumer} asks to make this exact call.`}
      />
      <ApprovalDetailView initial={approval} />
    </>
  );
}
