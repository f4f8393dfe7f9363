// A gateway asks for, or uses, the approval of one held tool call (lib/controlplane/approval-claims.ts).
import { NextResponse } from "next/server";
import { consoleUrl } from "@/lib/console/approvals";
import { answerApprovalClaim } from "@/lib/controlplane/approval-claims";
import { recordSeen } from "@/lib/controlplane/data-plane-status";
import { dataPlaneRoute } from "@/lib/controlplane/dp-route";
import { APPROVAL_CLAIM_MAX_BYTES, approvalClaimSchema } from "@/lib/core/controlplane/protocol";

const invalid = (message: string, problems: string[] = []) => NextResponse.json({ error: { code: "invalid", message, problems } }, { status: 400 });

export const POST = dataPlaneRoute(async (plane, request) => {
  const declared = Number(request.headers.get("content-length") ?? "0");
  const text = declared > APPROVAL_CLAIM_MAX_BYTES ? undefined : await request.text();
  if (text === undefined || Buffer.byteLength(text) > APPROVAL_CLAIM_MAX_BYTES) {
    return NextResponse.json({ error: { code: "too_large", message: `An approval claim is at most ${APPROVAL_CLAIM_MAX_BYTES} bytes.` } }, { status: 413 });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return invalid("An approval claim is a JSON object.");
  }
  const parsed = approvalClaimSchema.safeParse(body);
  if (!parsed.success)
    return invalid(
      "Malformed approval claim.",
      parsed.error.issues.slice(0, 20).map((i) => `${i.path.join(".")}: ${i.message}`),
    );
  const answer = await answerApprovalClaim(parsed.data, plane.name, consoleUrl(request));
  await recordSeen(plane.id);
  return NextResponse.json(answer.body, { status: answer.status });
});
