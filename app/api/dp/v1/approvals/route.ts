// A gateway asks for, or uses, the approval of one held tool call (lib/controlplane/approval-claims.ts).
import { NextResponse } from "next/server";
import { consolePublicUrl } from "@/lib/console/public-url";
import { answerApprovalClaim } from "@/lib/controlplane/approval-claims";
import { recordSeen } from "@/lib/controlplane/data-plane-status";
import { dataPlaneRoute, readDataPlaneBody } from "@/lib/controlplane/dp-route";
import { APPROVAL_CLAIM_MAX_BYTES, approvalClaimSchema } from "@/lib/core/controlplane/protocol";

export const POST = dataPlaneRoute(async (plane, request) => {
  const read = await readDataPlaneBody(request, approvalClaimSchema, { maxBytes: APPROVAL_CLAIM_MAX_BYTES, what: "approval claim" });
  if ("refusal" in read) return read.refusal;
  const answer = await answerApprovalClaim(read.body, plane.name, consolePublicUrl(request.nextUrl.origin));
  await recordSeen(plane.id);
  return NextResponse.json(answer.body, { status: answer.status });
});
