// The Approvals inbox (docs/console.md#approvals): tool calls the gateways
// hold for a confirmation or an approval, who may see and decide them
// (lib/console/approval-policy.ts), and the decision, logged with the
// approval. The gateways learn the decision when they claim the call again
// (lib/controlplane/approval-claims.ts).
import type { CurrentUser } from "../auth/session";
import { DEFAULT_RULE_NAME } from "../core/approvals/call-hash";
import { parseConfig } from "../core/config/schema";
import { requiringRuleHashes } from "../controlplane/approval-rules";
import { db } from "../db/client";
import { consumerNameFor } from "../oauth-server/consumer-name";
import type { Prisma, ToolCallApproval } from "../generated/prisma/client";
import { decisionRefusal, mayView, type Decider } from "./approval-policy";
import { recordActivity } from "./activity";
import { ConsoleError, notFound } from "./errors";

type Tx = Prisma.TransactionClient;

interface DeciderContext {
  role: CurrentUser["role"];
  /**
   * The consumers whose calls are the user's own, each from when it took its name: those they own, and the
   * unowned one named by their email that signing in with Portcullis acts as (lib/oauth-server/sign-in.ts).
   * An earlier call under that name is an earlier namesake's, not theirs.
   */
  consumers: Map<string, Date>;
  /** The groups of the enabled consumers the user owns. */
  groups: string[];
}

async function deciderContext(user: CurrentUser, tx: Tx = db()): Promise<DeciderContext> {
  const signInName = consumerNameFor(user.email);
  const rows = await tx.consumer.findMany({
    where: { OR: [{ ownerUserId: user.id }, ...(signInName ? [{ username: signInName, ownerUserId: null }] : [])] },
    select: { username: true, namedAt: true, ownerUserId: true, disabledAt: true, groups: { select: { group: { select: { name: true } } } } },
  });
  // The email-named consumer is the user's only since the user exists: a recycled email's new user is not the old one.
  const account = rows.some((c) => c.ownerUserId === null) ? await tx.user.findUnique({ where: { id: user.id }, select: { createdAt: true } }) : null;
  const consumers = new Map<string, Date>();
  for (const c of rows) {
    const since = c.ownerUserId === null && account && account.createdAt > c.namedAt ? account.createdAt : c.namedAt;
    consumers.set(c.username, since);
  }
  // A disabled consumer still makes its owner the caller of its calls (no self-approval), but no approver.
  const approverConsumers = rows.filter((c) => c.ownerUserId === user.id && c.disabledAt === null);
  return { role: user.role, consumers, groups: [...new Set(approverConsumers.flatMap((c) => c.groups.map((m) => m.group.name)))] };
}

/** Whether the call is the user's own: made by one of their consumers since it took its name. */
function isCaller(context: DeciderContext, approval: Pick<ToolCallApproval, "consumer" | "requestedAt">): boolean {
  const since = context.consumers.get(approval.consumer);
  return since !== undefined && approval.requestedAt >= since;
}

const deciderOf = (context: DeciderContext, approval: Pick<ToolCallApproval, "consumer" | "requestedAt">): Decider => ({
  role: context.role,
  isCaller: isCaller(context, approval),
  groups: context.groups,
});

/** What a user may see: everything for admins, else their own calls and those their groups approve. */
function visibleTo(context: DeciderContext): Prisma.ToolCallApprovalWhereInput {
  if (context.role === "admin") return {};
  const own = [...context.consumers].map(([consumer, since]) => ({ consumer, requestedAt: { gte: since } }));
  return { OR: [...own, { kind: "approve", approvers: { hasSome: context.groups } }] };
}

/** A status that is past its expiry reads as expired, whether or not a claim has marked it yet. */
function currentStatus(approval: Pick<ToolCallApproval, "status" | "expiresAt">, now: Date): ToolCallApproval["status"] {
  return (approval.status === "pending" || approval.status === "approved") && approval.expiresAt <= now ? "expired" : approval.status;
}

export interface ApprovalRow {
  id: string;
  kind: ToolCallApproval["kind"];
  status: ToolCallApproval["status"];
  server: string;
  tool: string;
  consumer: string;
  rule: string;
  requestedAt: string;
  expiresAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  /** The user may approve or reject it now. */
  decidable: boolean;
}

function row(approval: ToolCallApproval, context: DeciderContext, now: Date): ApprovalRow {
  const status = currentStatus(approval, now);
  return {
    id: approval.id,
    kind: approval.kind,
    status,
    server: approval.server,
    tool: approval.tool,
    consumer: approval.consumer,
    rule: approval.rule,
    requestedAt: approval.requestedAt.toISOString(),
    expiresAt: approval.expiresAt.toISOString(),
    decidedBy: approval.decidedByEmail,
    decidedAt: approval.decidedAt?.toISOString() ?? null,
    decidable: status === "pending" && decisionRefusal(deciderOf(context, approval), approval) === undefined,
  };
}

export const APPROVAL_VIEWS = ["pending", "decided"] as const;
export type ApprovalListView = (typeof APPROVAL_VIEWS)[number];

/**
 * The inbox: the latest 100 pending (unexpired) calls, or the latest 100 others, newest first — so a burst of
 * calls cannot hide a new one behind older ones (each consumer's pending calls on a server are capped anyway:
 * lib/controlplane/approval-claims.ts).
 */
export async function listApprovals(user: CurrentUser, view: ApprovalListView, now = new Date()): Promise<ApprovalRow[]> {
  const context = await deciderContext(user);
  const pending: Prisma.ToolCallApprovalWhereInput = { status: "pending", expiresAt: { gt: now } };
  const rows = await db().toolCallApproval.findMany({
    where: { AND: [visibleTo(context), view === "pending" ? pending : { NOT: pending }] },
    orderBy: [{ requestedAt: "desc" }, { id: "desc" }],
    take: 100,
  });
  return rows.filter((approval) => mayView(deciderOf(context, approval), approval)).map((approval) => row(approval, context, now));
}

/** The dashboard's tile and the navigation: how many calls wait for this user's decision. */
export async function countDecidableApprovals(user: CurrentUser, now = new Date()): Promise<number> {
  return (await listApprovals(user, "pending", now)).filter((a) => a.decidable).length;
}

/** Whether the navigation shows the inbox: admins, members of a group that approves, and callers with a call waiting. */
export async function showsApprovalsInbox(user: CurrentUser, now = new Date()): Promise<boolean> {
  if (user.role === "admin") return true;
  const context = await deciderContext(user);
  if (context.groups.length === 0 && context.consumers.size === 0) return false;
  const [requirement, server, waiting] = await Promise.all([
    db().toolRequirement.findFirst({ where: { approvers: { hasSome: context.groups } }, select: { serverId: true } }),
    db().mcpServer.findFirst({ where: { destructiveApprovers: { hasSome: context.groups } }, select: { id: true } }),
    db().toolCallApproval.findFirst({ where: { AND: [visibleTo(context), { status: "pending", expiresAt: { gt: now } }] }, select: { id: true } }),
  ]);
  return Boolean(requirement || server || waiting);
}

export interface ApprovalDetail extends ApprovalRow {
  groups: string[];
  arguments: unknown;
  approvers: string[];
  selfApproval: boolean;
  configVersion: number | null;
  gateway: string;
  usedAt: string | null;
  usedByGateway: string | null;
  /** Why the user may not decide it, when it is pending. */
  refusal: string | null;
  /** The rule as published in the approval's config version. */
  ruleDefinition: unknown;
  /** The consumer's latest calls. */
  recentCalls: { id: string; time: string; server: string; tool: string | null; method: string | null; decision: string; reason: string }[];
  /** The call the approval let through, once a gateway forwarded it. */
  forwardedCall: { id: string; time: string; decision: string; httpStatus: number } | null;
}

async function ruleDefinition(approval: ToolCallApproval): Promise<unknown> {
  if (approval.configVersion === null) return null;
  const version = await db().configVersion.findUnique({ where: { number: approval.configVersion }, select: { document: true } });
  const acl = (version?.document as { servers?: { name: string; acl?: { default?: unknown; tools?: { name: string }[] } }[] } | undefined)?.servers?.find(
    (s) => s.name === approval.server,
  )?.acl;
  if (approval.rule === DEFAULT_RULE_NAME) return acl?.default ?? null;
  return acl?.tools?.find((t) => t.name === approval.rule) ?? null;
}

/**
 * For a developer, the calls of the consumer that made the call, as the audit explorer bounds them (each consumer
 * from when it took its name): those of the current consumer of that name if it had the name then, else those
 * from before it took it (an earlier namesake's). Admins and viewers read every event.
 */
async function callerTenure(user: CurrentUser, approval: ToolCallApproval): Promise<Prisma.AuditEventWhereInput> {
  if (user.role !== "developer") return {};
  const current = await db().consumer.findUnique({ where: { username: approval.consumer }, select: { namedAt: true } });
  if (!current) return {};
  return { time: current.namedAt <= approval.requestedAt ? { gte: current.namedAt } : { lt: current.namedAt } };
}

export async function getApproval(user: CurrentUser, id: string, now = new Date()): Promise<ApprovalDetail> {
  const context = await deciderContext(user);
  const approval = await db().toolCallApproval.findUnique({ where: { id } });
  if (!approval || !mayView(deciderOf(context, approval), approval)) throw notFound("That approval");
  const [definition, recent, forwarded] = await Promise.all([
    ruleDefinition(approval),
    db().auditEvent.findMany({
      where: { consumerName: approval.consumer, ...(await callerTenure(user, approval)) },
      orderBy: { time: "desc" },
      take: 10,
      select: { id: true, time: true, serverName: true, toolName: true, method: true, decision: true, reason: true },
    }),
    db().auditEvent.findFirst({ where: { approvalId: approval.id }, orderBy: { time: "asc" }, select: { id: true, time: true, decision: true, httpStatus: true } }),
  ]);
  const summary = row(approval, context, now);
  return {
    ...summary,
    groups: approval.groups,
    arguments: approval.arguments,
    approvers: approval.approvers,
    selfApproval: approval.selfApproval,
    configVersion: approval.configVersion,
    gateway: approval.gateway,
    usedAt: approval.usedAt?.toISOString() ?? null,
    usedByGateway: approval.usedByGateway,
    refusal: summary.status === "pending" ? (decisionRefusal(deciderOf(context, approval), approval) ?? null) : null,
    ruleDefinition: definition,
    recentCalls: recent.map((e) => ({ id: e.id, time: e.time.toISOString(), server: e.serverName, tool: e.toolName, method: e.method, decision: e.decision, reason: e.reason })),
    forwardedCall: forwarded ? { id: forwarded.id, time: forwarded.time.toISOString(), decision: forwarded.decision, httpStatus: forwarded.httpStatus } : null,
  };
}

/** Whether the latest published configuration still has the rule that asked for the approval. */
async function ruleStillPublished(tx: Tx, approval: ToolCallApproval): Promise<boolean> {
  const latest = await tx.configVersion.findFirst({ orderBy: { number: "desc" }, select: { document: true } });
  const parsed = parseConfig(latest?.document);
  return parsed.ok && (requiringRuleHashes(parsed.config).get(approval.server)?.has(approval.ruleHash) ?? false);
}

export type ApprovalDecision = "approve" | "reject";

/** Approves or rejects a pending call, once; the activity log records it. */
export async function decideApproval(user: CurrentUser, id: string, decision: ApprovalDecision, now = new Date()): Promise<ApprovalRow> {
  return db()
    .$transaction(async (tx) => {
      const context = await deciderContext(user, tx);
      // Locked, so two deciders (or a decider and the voiding of a publish) take turns.
      const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "ToolCallApproval" WHERE id = ${id} FOR UPDATE`;
      const approval = locked ? await tx.toolCallApproval.findUnique({ where: { id } }) : null;
      if (!approval || !mayView(deciderOf(context, approval), approval)) throw notFound("That approval");
      const refusal = decisionRefusal(deciderOf(context, approval), approval);
      if (refusal) throw new ConsoleError("forbidden", refusal);
      const status = currentStatus(approval, now);
      if (status !== "pending") throw new ConsoleError("conflict", `This call is no longer waiting: it is ${status}.`);
      if (decision === "approve" && !(await ruleStillPublished(tx, approval))) {
        await tx.toolCallApproval.update({ where: { id }, data: { status: "void" } });
        return { kind: "void" as const };
      }
      const decided = await tx.toolCallApproval.update({
        where: { id },
        data: { status: decision === "approve" ? "approved" : "rejected", decidedById: user.id, decidedByEmail: user.email, decidedAt: now },
      });
      await recordActivity(tx, user, {
        action: `approval.${decision}`,
        entityType: "approval",
        entityId: id,
        entityName: `${approval.tool} on ${approval.server} for ${approval.consumer}`,
        before: { status: "pending" },
        after: { status: decided.status, rule: approval.rule, arguments: approval.arguments },
      });
      return { kind: "decided" as const, row: row(decided, context, now) };
    })
    .then((result) => {
      // Thrown after the commit, so the void stays.
      if (result.kind === "void") throw new ConsoleError("conflict", "The rule that asked for this approval was changed or removed since: the approval is void.");
      return result.row;
    });
}
