// A gateway's claim of a held tool call (POST /api/dp/v1/approvals; the
// contract is docs/console.md#approvals). Per call (call hash, rule hash and
// kind), under a transaction-scoped advisory lock so concurrent claims from
// several gateways are decided one at a time:
//   approved and unexpired → marked used and answered "approved", exactly once;
//   pending and unexpired  → answered "pending" (no second request);
//   rejected and unexpired → answered "rejected";
//   otherwise              → a new pending approval, answered "pending" (created),
//                            unless the consumer already has PORTCULLIS_APPROVALS_PENDING_PER_CONSUMER
//                            pending (unexpired) approvals on the server: then nothing is created, and
//                            the answer is "too_many_pending" (429). Counting and creating happen under a
//                            second lock, per server and consumer (taken after the call's, always in that
//                            order), so concurrent claims of different calls cannot both take the last slot.
// Approvals past their expiry are marked expired on the way.
import { z } from "zod";
import { notifyNewApproval } from "../console/approval-webhook";
import { UserFacingError } from "../core/errors";
import { db as defaultDb, type Db } from "../db/client";
import type { Prisma, ToolCallApproval } from "../generated/prisma/client";
import type { ApprovalAnswer, ApprovalClaim, ApprovalDecisionAnswer } from "../core/controlplane/protocol";

// Any constants work: the first key of the two-key advisory locks, the call hash's (or server and consumer's) own hash the second.
const CLAIM_LOCK_ID = 72707371;
const PENDING_LOCK_ID = 72707372;

export const DEFAULT_MAX_PENDING_APPROVALS = 20;

const pendingCapSchema = z.coerce
  .number({ error: "must be a whole number from 1 to 10000" })
  .int("must be a whole number from 1 to 10000")
  .min(1, "must be a whole number from 1 to 10000")
  .max(10_000, "must be a whole number from 1 to 10000")
  .default(DEFAULT_MAX_PENDING_APPROVALS);

/** How many pending approvals one consumer may have on one server (PORTCULLIS_APPROVALS_PENDING_PER_CONSUMER). */
export function maxPendingApprovals(env: Record<string, string | undefined>): number {
  const raw = env.PORTCULLIS_APPROVALS_PENDING_PER_CONSUMER?.trim();
  const parsed = pendingCapSchema.safeParse(raw === "" ? undefined : raw);
  if (!parsed.success) throw new UserFacingError(`Invalid environment: PORTCULLIS_APPROVALS_PENDING_PER_CONSUMER ${parsed.error.issues[0]!.message}`, "ENV_INVALID");
  return parsed.data;
}

/** A claim for a new call refused: the consumer's pending approvals on the server are at the cap. */
export class TooManyPendingApprovals extends Error {
  override name = "TooManyPendingApprovals";
  constructor(
    readonly waiting: number,
    readonly limit: number,
  ) {
    super(`${waiting} pending approvals already (limit ${limit})`);
  }
}

export type ClaimDecision = "approved" | "pending" | "rejected";

export interface ClaimOutcome {
  decision: ClaimDecision;
  approval: ToolCallApproval;
  /** A new pending approval: the approvers are told (lib/console/approval-webhook.ts). */
  created: boolean;
}

/** Throws TooManyPendingApprovals (nothing is written) when the call is new and the consumer's pending approvals on the server are at `maxPending`. */
export async function claimApproval(db: Db, claim: ApprovalClaim, gateway: string, now = new Date(), maxPending = maxPendingApprovals(process.env)): Promise<ClaimOutcome> {
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

    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${PENDING_LOCK_ID}, hashtext(${`${claim.server}\n${claim.consumer}`}))`;
    const waiting = await tx.toolCallApproval.count({ where: { server: claim.server, consumer: claim.consumer, status: "pending", expiresAt: { gt: now } } });
    if (waiting >= maxPending) throw new TooManyPendingApprovals(waiting, maxPending);

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

/**
 * The endpoint's answer to a data plane's claim: 201 for a new pending approval, whose approvers are then told;
 * 429 `too_many_pending` for a new call of a consumer whose pending approvals on the server are at the cap.
 */
export async function answerApprovalClaim(claim: ApprovalClaim, gateway: string, consoleUrl: string): Promise<{ status: 200 | 201 | 429; body: ApprovalAnswer }> {
  let outcome: ClaimOutcome;
  try {
    outcome = await claimApproval(defaultDb(), claim, gateway);
  } catch (error) {
    if (!(error instanceof TooManyPendingApprovals)) throw error;
    return { status: 429, body: { decision: "too_many_pending", waiting: error.waiting, limit: error.limit } };
  }
  // After the commit, and the gateway is not kept waiting for it.
  if (outcome.created) void notifyNewApproval(defaultDb(), outcome.approval, consoleUrl);
  return { status: outcome.created ? 201 : 200, body: { decision: outcome.decision, approval: approvalMessage(outcome.approval, consoleUrl) } };
}

/** The `approval` of the endpoint's answer. */
export function approvalMessage(approval: ToolCallApproval, consoleUrl: string): ApprovalDecisionAnswer["approval"] {
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
