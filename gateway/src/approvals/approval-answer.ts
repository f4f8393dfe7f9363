// What the gateway does with the console's answer to its claim
// (lib/core/controlplane/protocol.ts): forward on `approved` — the console has
// marked the approval used, for this call only — unless its expiry has passed
// by the gateway's own clock; otherwise refuse with the reason and, while it
// is pending, where to approve it and until when. `too_many_pending`: the
// console created nothing, since the consumer already has its cap of calls on
// this server waiting for a person (approval_pending_limited).
import type { ApprovalAnswer } from "../../../lib/core/controlplane/protocol";
import type { AuditEvent } from "../../../lib/core/audit/event";
import { GatewayError } from "../errors";

export type ApprovalRecord = NonNullable<AuditEvent["approval"]>;

export type ApprovalOutcome = { forward: true; approval: ApprovalRecord } | { forward: false; error: GatewayError; pending: boolean };

export function judgeApprovalAnswer(answer: ApprovalAnswer, call: { tool: string; kind: "approve" | "confirm" }, now: Date): ApprovalOutcome {
  if (answer.decision === "too_many_pending")
    return {
      forward: false,
      pending: false,
      error: new GatewayError(
        "approval_pending_limited",
        `Tool '${call.tool}' needs ${call.kind === "confirm" ? "confirmation" : "approval"}, and ${answer.waiting} of your calls to this server already wait for a person: call it again once one is decided`,
        `${answer.waiting} pending approvals of the consumer on this server in the console (limit ${answer.limit})`,
      ).withData({ limit: answer.limit }),
    };
  const { approval, decision } = answer;
  const expiresAt = Date.parse(approval.expires_at);
  if (decision !== "rejected" && expiresAt <= now.getTime())
    return {
      forward: false,
      pending: false,
      error: new GatewayError(
        "approval_expired",
        `Tool '${call.tool}' was not run: its ${call.kind === "confirm" ? "confirmation" : "approval"} expired at ${approval.expires_at}`,
        `${decision} approval ${approval.id} past its expiry by the gateway's clock`,
      ).withData({ approval_id: approval.id }),
    };
  if (decision === "approved") {
    const requestedAt = Date.parse(approval.requested_at);
    return {
      forward: true,
      approval: {
        id: approval.id,
        kind: call.kind,
        by: approval.decided_by,
        at: approval.decided_at ?? now.toISOString(),
        waited_ms: Math.max(0, now.getTime() - requestedAt),
      },
    };
  }
  if (decision === "rejected")
    return {
      forward: false,
      pending: false,
      error: new GatewayError(
        "approval_rejected",
        `Tool '${call.tool}' was not run: ${approval.decided_by ? `${approval.decided_by} rejected the call` : "the call was rejected"}`,
        `approval ${approval.id} rejected`,
      ).withData({ approval_id: approval.id, approval_url: approval.url }),
    };
  const who = call.kind === "confirm" ? "you confirm it in the console" : "an approver approves it";
  return {
    forward: false,
    pending: true,
    error: new GatewayError(
      "approval_required",
      `Tool '${call.tool}' needs ${call.kind === "confirm" ? "your confirmation" : "approval"}: call it again with the same arguments once ${who} at ${approval.url} (before ${approval.expires_at})`,
      `approval ${approval.id} pending`,
    ).withData({ approval_id: approval.id, approval_url: approval.url, expires_at: approval.expires_at }),
  };
}
