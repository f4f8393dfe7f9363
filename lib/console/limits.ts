// Rate limits and quotas as the console stores them (LimitRule rows, one
// server each), compiled into the server's `limits` (lib/config/compile.ts).
// Every write is a checked write (lib/controlplane/config-check.ts): a rule
// the gateways would refuse is refused with its field named, and nothing is
// saved. Edited per server (the server page) and per consumer (its page).
import type { CurrentUser } from "../auth/session";
import { configWrite } from "../controlplane/config-check";
import { limitRuleColumns, limitRuleConfig } from "../controlplane/limit-rule-rows";
import type { LimitRuleConfig } from "../core/config/schema";
import { db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { recordActivity } from "./activity";
import { ConsoleError, notFound } from "./errors";
import type { LimitInput } from "./schemas/limit";

type Tx = Prisma.TransactionClient;

export interface LimitView extends LimitRuleConfig {
  id: string;
  serverId: string;
  serverName: string;
  /** The form's subject: "group:<name>", "consumer:<username>" or "*". */
  subjectRef: string;
  subjectKind: "group" | "consumer" | "everyone";
}

const viewSelect = {
  id: true,
  serverId: true,
  server: { select: { name: true } },
  toolName: true,
  perMinute: true,
  perHour: true,
  perDay: true,
  concurrent: true,
  group: { select: { name: true } },
  consumer: { select: { username: true } },
} as const;

type ViewRow = Prisma.LimitRuleGetPayload<{ select: typeof viewSelect }>;

function toView(row: ViewRow): LimitView {
  const subjectKind = row.group ? "group" : row.consumer ? "consumer" : "everyone";
  return {
    id: row.id,
    serverId: row.serverId,
    serverName: row.server.name,
    subjectKind,
    subjectRef: row.group ? `group:${row.group.name}` : row.consumer ? `consumer:${row.consumer.username}` : "*",
    ...limitRuleConfig(row),
  };
}

const bySubjectAndTool = (a: LimitView, b: LimitView) => a.serverName.localeCompare(b.serverName) || a.subject.localeCompare(b.subject) || a.tool.localeCompare(b.tool);

export async function listServerLimits(serverId: string): Promise<LimitView[]> {
  const rows = await db().limitRule.findMany({ where: { serverId }, select: viewSelect });
  return rows.map(toView).sort(bySubjectAndTool);
}

/** The rules that name the consumer itself (its page edits these), across servers. */
export async function listConsumerLimits(consumerId: string): Promise<LimitView[]> {
  const rows = await db().limitRule.findMany({ where: { consumerId }, select: viewSelect });
  return rows.map(toView).sort(bySubjectAndTool);
}

async function resolveSubject(tx: Tx, subject: string): Promise<{ groupId: string | null; consumerId: string | null }> {
  if (subject === "*") return { groupId: null, consumerId: null };
  const [kind, name] = [subject.slice(0, subject.indexOf(":")), subject.slice(subject.indexOf(":") + 1)];
  if (kind === "group") {
    const group = await tx.consumerGroup.findUnique({ where: { name }, select: { id: true } });
    if (!group) throw new ConsoleError("invalid", "Some fields need attention.", { subject: `no group is named "${name}"` });
    return { groupId: group.id, consumerId: null };
  }
  const consumer = await tx.consumer.findUnique({ where: { username: name }, select: { id: true, disabledAt: true } });
  if (!consumer) throw new ConsoleError("invalid", "Some fields need attention.", { subject: `no consumer is named "${name}"` });
  if (consumer.disabledAt) throw new ConsoleError("invalid", "Some fields need attention.", { subject: `consumer "${name}" is disabled` });
  return { groupId: null, consumerId: consumer.id };
}

/** One rule per subject × tool on a server, as the config requires; said on the form's tool field. */
async function assertNoTwin(tx: Tx, serverId: string, subject: { groupId: string | null; consumerId: string | null }, tool: string, except?: string) {
  const twin = await tx.limitRule.findFirst({ where: { serverId, ...subject, toolName: tool, ...(except ? { id: { not: except } } : {}) }, select: { id: true } });
  if (twin)
    throw new ConsoleError("conflict", "This server already has a limit for that subject and tool; edit that one instead.", { tool: "a limit for this subject and tool exists" });
}

/** The config check's field errors name the server's compiled `limits.<i>.<field>`: on the form, that is the rule's own field. */
function checkedLimitWrite<T>(serverName: () => Promise<string>, write: (tx: Tx) => Promise<T>): Promise<T> {
  return serverName().then((server) =>
    configWrite(write, { server }).catch((error: unknown) => {
      if (!(error instanceof ConsoleError) || !error.fields) throw error;
      const fields = Object.fromEntries(Object.entries(error.fields).map(([path, message]) => [path.startsWith("limits.") ? (path.split(".")[2] ?? "tool") : path, message]));
      throw new ConsoleError(error.code, error.message, fields);
    }),
  );
}

async function serverNameOf(serverId: string): Promise<string> {
  const server = await db().mcpServer.findUnique({ where: { id: serverId }, select: { name: true } });
  if (!server) throw notFound("This MCP server");
  return server.name;
}

export async function createLimit(actor: CurrentUser, serverId: string, input: LimitInput): Promise<LimitView> {
  return checkedLimitWrite(
    () => serverNameOf(serverId),
    async (tx) => {
      const subject = await resolveSubject(tx, input.subject);
      await assertNoTwin(tx, serverId, subject, input.tool);
      const row = await tx.limitRule.create({ data: { serverId, ...subject, ...limitRuleColumns(input) }, select: viewSelect });
      const view = toView(row);
      await recordActivity(tx, actor, { action: "limit.create", entityType: "server", entityId: serverId, entityName: view.serverName, after: limitRuleConfig(row) });
      return view;
    },
  );
}

async function findLimit(tx: Tx, id: string): Promise<ViewRow> {
  const row = await tx.limitRule.findUnique({ where: { id }, select: viewSelect });
  if (!row) throw notFound("This limit");
  return row;
}

export async function updateLimit(actor: CurrentUser, id: string, input: LimitInput): Promise<LimitView> {
  const existing = await db().limitRule.findUnique({ where: { id }, select: { serverId: true } });
  if (!existing) throw notFound("This limit");
  return checkedLimitWrite(
    () => serverNameOf(existing.serverId),
    async (tx) => {
      const before = await findLimit(tx, id);
      const subject = await resolveSubject(tx, input.subject);
      await assertNoTwin(tx, before.serverId, subject, input.tool, id);
      const row = await tx.limitRule.update({ where: { id }, data: { ...subject, ...limitRuleColumns(input) }, select: viewSelect });
      await recordActivity(tx, actor, {
        action: "limit.update",
        entityType: "server",
        entityId: row.serverId,
        entityName: row.server.name,
        before: limitRuleConfig(before),
        after: limitRuleConfig(row),
      });
      return toView(row);
    },
  );
}

export async function deleteLimit(actor: CurrentUser, id: string): Promise<void> {
  await configWrite(async (tx) => {
    const before = await findLimit(tx, id);
    await tx.limitRule.delete({ where: { id } });
    await recordActivity(tx, actor, { action: "limit.delete", entityType: "server", entityId: before.serverId, entityName: before.server.name, before: limitRuleConfig(before) });
  });
}

/**
 * What a server's limit form offers: everyone, each group, and the consumers its rules already name
 * (a consumer's own limits are added on its page, which lists every server instead of every consumer).
 */
export async function serverLimitSubjects(limits: LimitView[]): Promise<{ ref: string; label: string }[]> {
  const groups = await db().consumerGroup.findMany({ orderBy: { name: "asc" }, select: { name: true } });
  const consumers = [...new Set(limits.filter((l) => l.subjectKind === "consumer").map((l) => l.subject))].sort();
  return [
    { ref: "*", label: "Everyone" },
    ...groups.map((g) => ({ ref: `group:${g.name}`, label: `Group ${g.name}` })),
    ...consumers.map((username) => ({ ref: `consumer:${username}`, label: `Consumer ${username}` })),
  ];
}

export async function limitServerChoices(): Promise<{ id: string; name: string }[]> {
  return db().mcpServer.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } });
}
