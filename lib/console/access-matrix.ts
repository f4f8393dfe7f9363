// The tool access matrix of one server, stored as cells: AclGroupRule (group
// columns), AclOthersRule (the "everyone else" column) and AclConsumerRule
// (consumers named directly), with toolName "*" for the default row. A save
// replaces them all at once if nobody saved since the editor loaded them
// (McpServer.aclVersion), and is refused with 409 otherwise.
import type { CurrentUser } from "../auth/session";
import { DEFAULT_ROW, hasOwnRule, matrixToAcl, type AclMatrix, type Cell, type MatrixRow } from "../acl/matrix";
import { aclSchema } from "../core/config/schema";
import { db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import type { RuleSettings } from "../acl/rule-settings";
import { recordActivity } from "./activity";
import { ConsoleError, notFound } from "./errors";
import type { SaveMatrixInput } from "./schemas/access-matrix";
import { configWrite } from "../controlplane/config-check";

type Tx = Prisma.TransactionClient;

export interface MatrixTool {
  name: string;
  description: string;
  readOnlyHint: boolean | null;
  changed: boolean;
  /** No longer listed by the upstream, or never listed (a rule for a tool the console has not seen). */
  unlisted: boolean;
}

export interface AccessMatrixData {
  serverId: string;
  serverName: string;
  /** The matrix's own edit counter: a save names the one it started from, so two admins cannot overwrite each other. */
  version: number;
  /** The configuration version the gateways run now (null before the first publish); a save publishes the next one. */
  configVersion: number | null;
  matrix: AclMatrix;
  tools: MatrixTool[];
  /** Conditions and redacted argument paths, saved one rule at a time (lib/console/rule-settings.ts). */
  settings: RuleSettings;
  redaction: { resultRedaction: "off" | "secrets"; auditArguments: boolean };
}

const EMPTY_ROW = (): MatrixRow => ({ groups: {}, others: "inherit" });

export async function readMatrix(tx: Tx, serverId: string): Promise<AclMatrix> {
  // One after the other: a transaction's queries share one connection.
  const groups = await tx.consumerGroup.findMany({ orderBy: { name: "asc" }, select: { name: true } });
  const groupRules = await tx.aclGroupRule.findMany({ where: { serverId }, select: { toolName: true, effect: true, group: { select: { name: true } } } });
  const othersRules = await tx.aclOthersRule.findMany({ where: { serverId }, select: { toolName: true, effect: true } });
  const consumerRules = await tx.aclConsumerRule.findMany({ where: { serverId }, select: { toolName: true, effect: true, consumer: { select: { username: true } } } });
  const matrix: AclMatrix = { groups: groups.map((g) => g.name), defaultRow: EMPTY_ROW(), tools: {} };
  const row = (tool: string) => (tool === DEFAULT_ROW ? matrix.defaultRow : (matrix.tools[tool] ??= EMPTY_ROW()));
  for (const rule of groupRules) row(rule.toolName).groups[rule.group.name] = rule.effect;
  for (const rule of othersRules) row(rule.toolName).others = rule.effect;
  for (const rule of consumerRules) (row(rule.toolName).consumers ??= {})[rule.consumer.username] = rule.effect;
  return matrix;
}

export async function loadAccessMatrix(serverId: string): Promise<AccessMatrixData | undefined> {
  return db().$transaction(async (tx) => {
    const server = await tx.mcpServer.findUnique({ where: { id: serverId }, select: { name: true, aclVersion: true, resultRedaction: true, auditArguments: true } });
    if (!server) return undefined;
    const matrix = await readMatrix(tx, serverId);
    const conditions = await tx.aclCondition.findMany({ where: { serverId }, select: { toolName: true, effect: true, expression: true, message: true } });
    const redactions = await tx.argumentRedaction.findMany({ where: { serverId }, select: { toolName: true, paths: true } });
    const settings: RuleSettings = {
      conditions: Object.fromEntries(conditions.map(({ toolName, ...condition }) => [toolName, condition])),
      redactions: Object.fromEntries(redactions.map((r) => [r.toolName, r.paths])),
    };
    const tools = await tx.tool.findMany({
      where: { serverId },
      orderBy: { name: "asc" },
      select: { name: true, description: true, readOnlyHint: true, changedAt: true, goneAt: true },
    });
    const listed: MatrixTool[] = tools.map((t) => ({
      name: t.name,
      description: t.description,
      readOnlyHint: t.readOnlyHint,
      changed: t.changedAt !== null,
      unlisted: t.goneAt !== null,
    }));
    const latest = await tx.configVersion.findFirst({ orderBy: { number: "desc" }, select: { number: true } });
    const known = new Set(tools.map((t) => t.name));
    const ruledOnly: MatrixTool[] = [...new Set([...Object.keys(matrix.tools), ...Object.keys(settings.conditions), ...Object.keys(settings.redactions)])]
      .filter((name) => name !== DEFAULT_ROW && !known.has(name))
      .map((name) => ({ name, description: "", readOnlyHint: null, changed: false, unlisted: true }));
    return {
      serverId,
      serverName: server.name,
      version: server.aclVersion,
      configVersion: latest?.number ?? null,
      matrix,
      tools: [...listed, ...ruledOnly].sort((a, b) => a.name.localeCompare(b.name)),
      settings,
      redaction: { resultRedaction: server.resultRedaction, auditArguments: server.auditArguments },
    };
  });
}

/** The matrix's own cells, compact, for the activity log: {"*": {"developer": "deny"}, "push_files": {"(everyone else)": "deny"}}. */
export function cellsForLog(matrix: AclMatrix): Record<string, Record<string, Cell>> {
  const cells: Record<string, Record<string, Cell>> = {};
  for (const [tool, row] of [[DEFAULT_ROW, matrix.defaultRow] as const, ...Object.entries(matrix.tools)]) {
    const own: Record<string, Cell> = {};
    for (const [group, cell] of Object.entries(row.groups)) if (cell !== "inherit") own[group] = cell;
    if (row.others !== "inherit") own["(everyone else)"] = row.others;
    for (const [username, effect] of Object.entries(row.consumers ?? {})) own[`consumer:${username}`] = effect;
    if (Object.keys(own).length) cells[tool] = own;
  }
  return cells;
}

async function claimVersion(tx: Tx, serverId: string, version: number): Promise<{ name: string; aclVersion: number }> {
  const { count } = await tx.mcpServer.updateMany({ where: { id: serverId, aclVersion: version }, data: { aclVersion: { increment: 1 } } });
  const server = await tx.mcpServer.findUnique({ where: { id: serverId }, select: { name: true, aclVersion: true } });
  if (!server) throw notFound("This MCP server");
  if (count === 0) {
    throw new ConsoleError("conflict", `Someone else saved this access matrix while you were editing. Nothing was saved. Reload to see their changes; your edits stay staged.`);
  }
  return server;
}

export async function saveAccessMatrix(actor: CurrentUser, serverId: string, input: SaveMatrixInput): Promise<{ version: number }> {
  return configWrite(async (tx) => {
    const server = await claimVersion(tx, serverId, input.version);
    const before = await readMatrix(tx, serverId);
    const matrix: AclMatrix = { groups: before.groups, defaultRow: input.defaultRow, tools: input.tools };

    const rows = Object.entries({ [DEFAULT_ROW]: input.defaultRow, ...input.tools }).filter(([tool, row]) => tool === DEFAULT_ROW || hasOwnRule(row));
    const groupNames = new Set(
      rows.flatMap(([, row]) =>
        Object.entries(row.groups)
          .filter(([, cell]) => cell !== "inherit")
          .map(([group]) => group),
      ),
    );
    const usernames = new Set(rows.flatMap(([, row]) => Object.keys(row.consumers ?? {})));
    const groups = await tx.consumerGroup.findMany({ where: { name: { in: [...groupNames] } }, select: { id: true, name: true } });
    const consumers = await tx.consumer.findMany({ where: { username: { in: [...usernames] } }, select: { id: true, username: true } });
    const groupId = new Map(groups.map((g) => [g.name, g.id]));
    const consumerId = new Map(consumers.map((c) => [c.username, c.id]));
    const missing = [
      ...[...groupNames].filter((n) => !groupId.has(n)).map((n) => `group "${n}"`),
      ...[...usernames].filter((n) => !consumerId.has(n)).map((n) => `consumer "${n}"`),
    ];
    if (missing.length) throw new ConsoleError("conflict", `The matrix names ${missing.join(", ")}, which no longer exist. Reload the matrix.`);
    // What the gateway will load: it must pass the config's own ACL schema.
    aclSchema.parse(matrixToAcl(matrix));

    await tx.aclGroupRule.deleteMany({ where: { serverId } });
    await tx.aclOthersRule.deleteMany({ where: { serverId } });
    await tx.aclConsumerRule.deleteMany({ where: { serverId } });
    const groupRules: Prisma.AclGroupRuleCreateManyInput[] = [];
    const othersRules: Prisma.AclOthersRuleCreateManyInput[] = [];
    const consumerRules: Prisma.AclConsumerRuleCreateManyInput[] = [];
    for (const [toolName, row] of rows) {
      for (const [group, cell] of Object.entries(row.groups)) if (cell !== "inherit") groupRules.push({ serverId, toolName, groupId: groupId.get(group)!, effect: cell });
      if (row.others !== "inherit") othersRules.push({ serverId, toolName, effect: row.others });
      for (const [username, effect] of Object.entries(row.consumers ?? {})) consumerRules.push({ serverId, toolName, consumerId: consumerId.get(username)!, effect });
    }
    await tx.aclGroupRule.createMany({ data: groupRules });
    await tx.aclOthersRule.createMany({ data: othersRules });
    await tx.aclConsumerRule.createMany({ data: consumerRules });

    await recordActivity(tx, actor, {
      action: "acl.update",
      entityType: "server",
      entityId: serverId,
      entityName: server.name,
      before: { version: input.version, cells: cellsForLog(before) },
      after: { version: server.aclVersion, cells: cellsForLog(matrix) },
    });
    return { version: server.aclVersion };
  });
}
