// Pending changes of a server's tool catalogue: definitions the gateways
// listed without an approved pin (lib/controlplane/drift-reports.ts), shown
// next to the approved definition, with how many calls were refused since.
// Approving one records its pin as the tool's approved definition (the next
// compiled configuration serves it); rejecting keeps it held. A definition
// with suspicious text (suspicious-text.ts) is approved one by one, never in
// bulk. Every decision goes to the activity log in the same transaction.
import type { CurrentUser } from "../auth/session";
import { db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { recordActivity } from "./activity";
import { ConsoleError, notFound } from "./errors";
import { toolDefinitionSchema } from "./schemas/tools";
import { flagSuspiciousTool, type SuspiciousFlag } from "./suspicious-text";
import { storedFormOf } from "./tool-diff";

export interface PendingChange {
  id: string;
  tool: string;
  pin: string;
  definition: Record<string, unknown>;
  /** The approved definition this one would replace; null for a tool never approved. */
  approved: { pin: string | null; definition: Record<string, unknown> | null } | null;
  firstDataPlane: string;
  firstSeenAt: string;
  /** Calls refused (tool_changed / tool_not_approved) for this server and tool since first seen. */
  refusedCalls: number;
  flags: SuspiciousFlag[];
}

async function serverToolNames(tx: Pick<Prisma.TransactionClient, "tool">, serverId: string): Promise<string[]> {
  return (await tx.tool.findMany({ where: { serverId, goneAt: null }, select: { name: true } })).map((t) => t.name);
}

const REFUSAL_REASONS = ["tool_changed", "tool_not_approved"];

export async function listPendingChanges(serverId: string): Promise<PendingChange[]> {
  const server = await db().mcpServer.findUnique({ where: { id: serverId }, select: { name: true } });
  if (!server) throw notFound("This MCP server");
  const reports = await db().toolDriftReport.findMany({ where: { serverId, state: "pending" }, orderBy: [{ toolName: "asc" }, { firstSeenAt: "asc" }] });
  const tools = await db().tool.findMany({ where: { serverId, name: { in: reports.map((r) => r.toolName) } }, select: { name: true, pin: true, approvedDefinition: true } });
  const byName = new Map(tools.map((t) => [t.name, t]));
  const names = await serverToolNames(db(), serverId);
  return Promise.all(
    reports.map(async (r) => {
      const tool = byName.get(r.toolName);
      const refusedCalls = await db().auditEvent.count({ where: { serverName: server.name, toolName: r.toolName, reason: { in: REFUSAL_REASONS }, time: { gte: r.firstSeenAt } } });
      return {
        id: r.id,
        tool: r.toolName,
        pin: r.pin,
        definition: r.definition as Record<string, unknown>,
        approved: tool ? { pin: tool.pin, definition: tool.approvedDefinition as Record<string, unknown> | null } : null,
        firstDataPlane: r.firstDataPlaneName,
        firstSeenAt: r.firstSeenAt.toISOString(),
        refusedCalls,
        flags: flagSuspiciousTool(r.definition as Record<string, unknown>, names),
      };
    }),
  );
}

/** Pending changes per server, for the dashboard. */
export async function countPendingChanges(): Promise<number> {
  return db().toolDriftReport.count({ where: { state: "pending" } });
}

export type Decision = "approve" | "reject";

/** Approves or rejects the given pending changes of one server (all of them when `ids` is "all"). */
export async function decidePendingChanges(actor: CurrentUser, serverId: string, decision: Decision, ids: string[] | "all"): Promise<{ decided: number }> {
  return db().$transaction(async (tx) => {
    const server = await tx.mcpServer.findUnique({ where: { id: serverId }, select: { name: true } });
    if (!server) throw notFound("This MCP server");
    const reports = await tx.toolDriftReport.findMany({ where: { serverId, state: "pending", ...(ids === "all" ? {} : { id: { in: ids } }) } });
    if (ids !== "all" && reports.length !== new Set(ids).size)
      throw new ConsoleError("conflict", "Some of these changes are no longer pending (decided by someone else, or approved by a sync); reload the page.");
    if (decision === "approve" && (ids === "all" || ids.length > 1)) {
      const names = await serverToolNames(tx, serverId);
      const flagged = reports.filter((r) => flagSuspiciousTool(r.definition as Record<string, unknown>, names).length > 0).map((r) => r.toolName);
      if (flagged.length)
        throw new ConsoleError("invalid", `Flagged definitions cannot be approved in bulk: review ${flagged.map((n) => `'${n}'`).join(", ")} and approve each one by one.`);
    }
    const now = new Date();
    if (decision === "approve") await approve(tx, actor, serverId, reports, now);
    await tx.toolDriftReport.updateMany({
      where: { id: { in: reports.map((r) => r.id) } },
      data: { state: decision === "approve" ? "approved" : "rejected", decidedById: actor.id, decidedAt: now },
    });
    if (reports.length) {
      await recordActivity(tx, actor, {
        action: decision === "approve" ? "tools.approve" : "tools.reject",
        entityType: "server",
        entityId: serverId,
        entityName: server.name,
        after: { tools: Object.fromEntries(reports.map((r) => [r.toolName, r.pin])) },
      });
    }
    return { decided: reports.length };
  });
}

type Report = Awaited<ReturnType<Prisma.TransactionClient["toolDriftReport"]["findMany"]>>[number];

async function approve(tx: Prisma.TransactionClient, actor: CurrentUser, serverId: string, reports: Report[], now: Date) {
  const tools = new Set<string>();
  for (const report of reports) {
    if (tools.has(report.toolName)) throw new ConsoleError("conflict", `Two definitions of '${report.toolName}' are pending: approve one of them.`);
    tools.add(report.toolName);
    const parsed = toolDefinitionSchema.safeParse(report.definition);
    if (!parsed.success || parsed.data.name !== report.toolName)
      throw new ConsoleError("invalid", `The definition of '${report.toolName}' is not a tool the console can govern; it cannot be approved.`);
    const stored = storedFormOf(parsed.data);
    const data = {
      description: stored.description,
      inputSchema: stored.inputSchema as Prisma.InputJsonValue,
      inputSchemaHash: stored.inputSchemaHash,
      readOnlyHint: stored.readOnlyHint,
      annotations: (stored.annotations ?? undefined) as Prisma.InputJsonValue | undefined,
      approvedDefinition: report.definition as Prisma.InputJsonValue,
      pin: report.pin,
      approvedById: actor.id,
      approvedAt: now,
      lastSeenAt: now,
      goneAt: null,
    };
    await tx.tool.upsert({
      where: { serverId_name: { serverId, name: report.toolName } },
      create: { serverId, name: report.toolName, firstSeenAt: report.firstSeenAt, ...data },
      update: { ...data, changedAt: now },
    });
  }
}
