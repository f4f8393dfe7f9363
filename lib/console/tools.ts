// The tools of an MCP server: what the upstream lists, kept with when each
// was first and last seen, changed or gone. A new list — from a sync or a
// JSON file — is previewed as a diff, then applied as a whole. Applying it is
// the admin's approval of the definitions shown: each tool's whole definition
// and its pin (lib/core/tools/pin.ts) are recorded with who approved it and
// when, and the gateways serve those pins (docs/gateway.md, "Catalogue change
// control").
import type { CurrentUser } from "../auth/session";
import { db } from "../db/client";
import { toolPin } from "../core/tools/pin";
import type { Prisma } from "../generated/prisma/client";
import { recordActivity } from "./activity";
import { notFound } from "./errors";
import type { ToolDefinition } from "./schemas/tools";
import { settingsOf } from "./servers";
import { mergeHeaders, resolveSyncHeaders } from "./sync-credential";
import { diffTools, storedFormOf, type StoredTool, type ToolDiff } from "./tool-diff";
import { fetchUpstreamTools } from "./upstream-tools";

export interface ToolView {
  name: string;
  description: string;
  inputSchema: unknown;
  readOnlyHint: boolean | null;
  firstSeenAt: string;
  lastSeenAt: string;
  changedAt: string | null;
  goneAt: string | null;
  /** The approved definition's pin, or null when no definition of this tool was approved. */
  pin: string | null;
  approvedAt: string | null;
}

// A sync waits at most this long for the upstream, whatever the route's own timeout.
const SYNC_TIMEOUT_MS = 30_000;

const STORED_FIELDS = { name: true, description: true, inputSchemaHash: true, readOnlyHint: true, goneAt: true } as const;

export async function listServerTools(serverId: string): Promise<ToolView[]> {
  const tools = await db().tool.findMany({ where: { serverId }, orderBy: { name: "asc" } });
  return tools.map((t) => ({
    name: t.name,
    description: t.description,
    inputSchema: t.inputSchema,
    readOnlyHint: t.readOnlyHint,
    firstSeenAt: t.firstSeenAt.toISOString(),
    lastSeenAt: t.lastSeenAt.toISOString(),
    changedAt: t.changedAt?.toISOString() ?? null,
    goneAt: t.goneAt?.toISOString() ?? null,
    pin: t.pin,
    approvedAt: t.approvedAt?.toISOString() ?? null,
  }));
}

async function storedTools(tx: Pick<Prisma.TransactionClient, "tool">, serverId: string): Promise<StoredTool[]> {
  return tx.tool.findMany({ where: { serverId }, select: STORED_FIELDS });
}

export async function previewToolList(serverId: string, tools: ToolDefinition[]): Promise<ToolDiff> {
  const server = await db().mcpServer.findUnique({ where: { id: serverId }, select: { id: true } });
  if (!server) throw notFound("This MCP server");
  return diffTools(await storedTools(db(), serverId), tools);
}

/** Calls the upstream's tools/list (every page) with the admin's credential for this request, and previews the result. */
export async function syncToolList(serverId: string, supplied: Record<string, string>): Promise<{ tools: ToolDefinition[]; diff: ToolDiff }> {
  const row = await db().mcpServer.findUnique({ where: { id: serverId } });
  if (!row) throw notFound("This MCP server");
  const settings = settingsOf(row);
  const headers = await resolveSyncHeaders(db(), mergeHeaders(settings.upstream_headers, supplied));
  const tools = await fetchUpstreamTools(settings.upstream, headers, Math.min(settings.timeout_ms, SYNC_TIMEOUT_MS));
  return { tools, diff: diffTools(await storedTools(db(), serverId), tools) };
}

const summaryOf = (t: Pick<StoredTool, "description" | "inputSchemaHash" | "readOnlyHint">) => ({
  description: t.description,
  input_schema: t.inputSchemaHash,
  read_only: t.readOnlyHint,
});

/** Makes the stored tools match the list: creates new ones, updates changed ones (changedAt), marks missing ones gone (goneAt). */
export async function applyToolList(actor: CurrentUser, serverId: string, source: "sync" | "import", tools: ToolDefinition[]): Promise<ToolDiff> {
  return db().$transaction(async (tx) => {
    const server = await tx.mcpServer.findUnique({ where: { id: serverId }, select: { name: true } });
    if (!server) throw notFound("This MCP server");
    const stored = await storedTools(tx, serverId);
    const diff = diffTools(stored, tools);
    const now = new Date();
    const before = new Map(stored.map((t) => [t.name, t]));
    const changed = new Set(diff.changed.map((c) => c.name));

    const created: Prisma.ToolCreateManyInput[] = [];
    for (const tool of tools) {
      const next = storedFormOf(tool);
      const data = {
        description: next.description,
        inputSchema: next.inputSchema as Prisma.InputJsonValue,
        inputSchemaHash: next.inputSchemaHash,
        readOnlyHint: next.readOnlyHint,
        annotations: (next.annotations ?? undefined) as Prisma.InputJsonValue | undefined,
        lastSeenAt: now,
      };
      const old = before.get(tool.name);
      if (!old) created.push({ ...data, serverId, name: tool.name, firstSeenAt: now });
      else if (old.goneAt || changed.has(tool.name)) {
        const differs = old.description !== next.description || old.inputSchemaHash !== next.inputSchemaHash || old.readOnlyHint !== next.readOnlyHint;
        await tx.tool.update({ where: { serverId_name: { serverId, name: tool.name } }, data: { ...data, goneAt: null, ...(differs ? { changedAt: now } : {}) } });
      }
    }
    if (created.length) await tx.tool.createMany({ data: created });
    const unchanged = tools.filter((t) => before.has(t.name) && !before.get(t.name)!.goneAt && !changed.has(t.name)).map((t) => t.name);
    if (unchanged.length) await tx.tool.updateMany({ where: { serverId, name: { in: unchanged } }, data: { lastSeenAt: now } });
    if (diff.gone.length) await tx.tool.updateMany({ where: { serverId, name: { in: diff.gone } }, data: { goneAt: now } });
    const approved = await approveDefinitions(tx, actor, serverId, tools, now);

    const after = new Map(tools.map((t) => [t.name, storedFormOf(t)]));
    const touched = [...diff.changed.map((c) => c.name), ...diff.gone];
    await recordActivity(tx, actor, {
      action: source === "sync" ? "tools.sync" : "tools.import",
      entityType: "server",
      entityId: serverId,
      entityName: server.name,
      before: { tools: Object.fromEntries(touched.map((name) => [name, summaryOf(before.get(name)!)])) },
      after: {
        tools: Object.fromEntries([...diff.added.map((a) => a.name), ...diff.changed.map((c) => c.name)].map((name) => [name, summaryOf(after.get(name)!)])),
        ...(Object.keys(approved).length ? { approved_pins: approved } : {}),
      },
    });
    return diff;
  });
}

/**
 * Records the pins of the definitions the admin approved (those whose pin differs from the stored
 * one), and settles the drift reports of those exact definitions. Returns name → pin of what changed.
 */
async function approveDefinitions(tx: Prisma.TransactionClient, actor: CurrentUser, serverId: string, tools: ToolDefinition[], now: Date): Promise<Record<string, string>> {
  const stored = new Map((await tx.tool.findMany({ where: { serverId }, select: { name: true, pin: true } })).map((t) => [t.name, t.pin]));
  const approved: Record<string, string> = {};
  for (const tool of tools) {
    const pin = toolPin(tool);
    // A definition JCS cannot represent has no pin and stays unapproved (the gateway holds it).
    if (!pin || stored.get(tool.name) === pin) continue;
    await tx.tool.update({
      where: { serverId_name: { serverId, name: tool.name } },
      data: { pin, approvedDefinition: tool as Prisma.InputJsonValue, approvedById: actor.id, approvedAt: now },
    });
    approved[tool.name] = pin;
  }
  const settled = Object.entries(approved).map(([toolName, pin]) => ({ toolName, pin }));
  if (settled.length)
    await tx.toolDriftReport.updateMany({ where: { serverId, state: "pending", OR: settled }, data: { state: "approved", decidedById: actor.id, decidedAt: now } });
  return approved;
}

/** Acknowledges changed tools: clears changedAt once an admin has looked at them. */
export async function markToolsReviewed(actor: CurrentUser, serverId: string, names: string[]): Promise<number> {
  return db().$transaction(async (tx) => {
    const server = await tx.mcpServer.findUnique({ where: { id: serverId }, select: { name: true } });
    if (!server) throw notFound("This MCP server");
    const { count } = await tx.tool.updateMany({ where: { serverId, name: { in: names }, changedAt: { not: null } }, data: { changedAt: null } });
    if (count > 0) await recordActivity(tx, actor, { action: "tools.review", entityType: "server", entityId: serverId, entityName: server.name, after: { reviewed: names } });
    return count;
  });
}
