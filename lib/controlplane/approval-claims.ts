// A gateway's claim of a held tool call (POST /api/dp/v1/approvals; the
// contract is docs/console.md#approvals). Per call (call hash, rule hash and
// kind), under a transaction-scoped advisory lock so concurrent claims from
// several gateways are decided one at a time:
//   approved and unexpired → marked used and answered "approved", exactly once;
//   pending and unexpired  → answered "pending" (no second request);
//   rejected and unexpired → answered "rejected";
//   otherwise              → a new pending approval, answered "pending" (created).
// Approvals past their expiry are marked expired on the way.
import { notifyNewApproval } from "../console/approval-webhook";
import { db as defaultDb, type Db } from "../db/client";
import type { Prisma, ToolCallApproval } from "../generated/prisma/client";
import type { ApprovalAnswer, ApprovalClaim } from "../core/controlplane/protocol";

// Any constant works: the first key of the two-key advisory lock, the call hash's own hash the second.
const CLAIM_LOCK_ID = 72707371;

export type ClaimDecision = "approved" | "pending" | "rejected";

export interface ClaimOutcome {
  decision: ClaimDecision;
  approval: ToolCallApproval;
  /** A new pending approval: the approvers are told (lib/console/approval-webhook.ts). */
  created: boolean;
}

export async function claimApproval(db: Db, claim: ApprovalClaim, gateway: string, now = new Date()): Promise<ClaimOutcome> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CLAIM_LOCK_ID}, hashtext(${claim.call_hash}))`;
    const call = { callHash: claim.call_hash, ruleHash: claim.rule_hash, kind: claim.kind };
    await tx.toolCallApproval.updateMany({ where: { ...call, status: { in: ["pending", "approved"] }, expiresAt: { lte: now } }, data: { status: "expired" } });
    const live = (status: "approved" | "pending" | "rejected") =>
      tx.toolCallApproval.findFirst({ where: { ...call, status, expiresAt: { gt: now } }, orderBy: { requestedAt: "asc" } });

    const approved = await live("approved");
    if (approved) {
      const used = await tx.toolCallApproval.update({ where: { id: approved.id }, data: { status: "used", usedAt: now, usedByGateway: gateway } });
      return { decision: "approved", approval: used, created: false };
    }
    const pending = await live("pending");
    if (pending) return { decision: "pending", approval: pending, created: false };
    const rejected = await live("rejected");
    if (rejected) return { decision: "rejected", approval: rejected, created: false };

    const approval = await tx.toolCallApproval.create({
      data: {
        ...call,
        server: claim.server,
        tool: claim.tool,
        consumer: claim.consumer,
        groups: claim.groups,
        arguments: claim.arguments as Prisma.InputJsonValue,
        rule: claim.rule,
        configVersion: claim.config_version,
        approvers: claim.kind === "approve" ? claim.approvers : [],
        selfApproval: claim.kind === "approve" && claim.self_approval,
        requestedAt: now,
        expiresAt: new Date(now.getTime() + claim.expires_seconds * 1000),
        requestId: claim.request_id,
        gateway,
      },
    });
    return { decision: "pending", approval, created: true };
  });
}

/** The endpoint's answer to a data plane's claim: 201 for a new pending approval, whose approvers are then told. */
export async function answerApprovalClaim(claim: ApprovalClaim, gateway: string, consoleUrl: string): Promise<{ status: 200 | 201; body: ApprovalAnswer }> {
  const outcome = await claimApproval(defaultDb(), claim, gateway);
  // After the commit, and the gateway is not kept waiting for it.
  if (outcome.created) void notifyNewApproval(defaultDb(), outcome.approval, consoleUrl);
  return { status: outcome.created ? 201 : 200, body: { decision: outcome.decision, approval: approvalMessage(outcome.approval, consoleUrl) } };
}

/** The `approval` of the endpoint's answer. */
export function approvalMessage(approval: ToolCallApproval, consoleUrl: string): ApprovalAnswer["approval"] {
  return {
    id: approval.id,
    url: approvalUrl(consoleUrl, approval.id),
    status: approval.status,
    expires_at: approval.expiresAt.toISOString(),
    requested_at: approval.requestedAt.toISOString(),
    decided_by: approval.decidedByEmail,
    decided_at: approval.decidedAt?.toISOString() ?? null,
  };
}

export function approvalUrl(consoleUrl: string, id: string): string {
  return `${consoleUrl.replace(/\/+$/, "")}/approvals/${id}`;
}
