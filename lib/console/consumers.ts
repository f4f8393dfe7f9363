// Consumers: the agents and people that call MCP servers through the gateway.
// Listed with keyset pagination on username (unique, so the index serves both
// the order and the cursor) and searched by substring with trigram indexes, so
// the page stays fast with tens of thousands of consumers.
import type { z } from "zod";
import type { CurrentUser } from "../auth/session";
import { db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { recordActivity } from "./activity";
import { activeKeyFilter } from "./api-keys";
import { ConsoleError, notFound } from "./errors";
import { readSelfServiceSettings } from "./settings";
import type { consumerInputSchema, consumerListQuerySchema } from "./schemas/consumer";
import { voidApprovalsOfConsumers } from "../controlplane/approval-rules";
import { configWrite } from "../controlplane/config-check";
import { revokeGrants } from "../oauth-server/grants";
import { belongsToAny } from "../oauth-server/consumer-name";

type Tx = Prisma.TransactionClient;
type ConsumerInput = z.infer<typeof consumerInputSchema>;
type ListQuery = z.infer<typeof consumerListQuerySchema>;

export interface ConsumerRow {
  id: string;
  username: string;
  customId: string | null;
  owner: { id: string; email: string; name: string } | null;
  groups: { id: string; name: string }[];
  activeKeys: number;
  createdAt: string;
  /** An admin disabled it: the gateways do not know it. */
  disabled: boolean;
  /** The console user it belongs to is disabled (lib/controlplane/snapshot.ts): the gateways do not know it either. */
  userDisabled: boolean;
}

export interface ConsumerPage {
  rows: ConsumerRow[];
  /** Consumers matching the search and filter, across all pages. */
  total: number;
  /** Cursors for the neighbouring pages, when there are any. */
  after?: string;
  before?: string;
}

const rowSelect = {
  id: true,
  username: true,
  customId: true,
  createdAt: true,
  disabledAt: true,
  owner: { select: { id: true, email: true, name: true, disabledAt: true } },
  groups: { select: { group: { select: { id: true, name: true } } }, orderBy: { group: { name: "asc" } } },
} satisfies Prisma.ConsumerSelect;

type RowRecord = Prisma.ConsumerGetPayload<{ select: typeof rowSelect }>;

/** Which of these consumers belong to a disabled console user (consumer-name.ts belongsToAny). */
async function ofDisabledUsers(records: readonly RowRecord[]): Promise<(record: RowRecord) => boolean> {
  const owners = records.flatMap((r) => (r.owner?.disabledAt ? [r.owner] : []));
  const unowned = records.filter((r) => r.owner === null).map((r) => r.username);
  const named = unowned.length
    ? await db().user.findMany({ where: { email: { in: unowned, mode: "insensitive" }, disabledAt: { not: null } }, select: { id: true, email: true } })
    : [];
  const ofDisabled = belongsToAny([...owners, ...named]);
  return (record) => ofDisabled({ username: record.username, ownerUserId: record.owner?.id ?? null });
}

function toRow(record: RowRecord, activeKeys: number, ofDisabledUser: (record: RowRecord) => boolean): ConsumerRow {
  const owner = record.owner && { id: record.owner.id, email: record.owner.email, name: record.owner.name };
  return {
    id: record.id,
    username: record.username,
    customId: record.customId,
    owner,
    groups: record.groups.map((m) => m.group),
    activeKeys,
    createdAt: record.createdAt.toISOString(),
    disabled: record.disabledAt !== null,
    userDisabled: ofDisabledUser(record),
  };
}

/**
 * Active keys of just these consumers, through the ApiKey(consumerId, createdAt)
 * index. (A relation _count would aggregate every key in the table first.)
 */
async function activeKeyCounts(consumerIds: string[]): Promise<Map<string, number>> {
  if (!consumerIds.length) return new Map();
  const counts = await db().apiKey.groupBy({ by: ["consumerId"], where: { consumerId: { in: consumerIds }, ...activeKeyFilter(new Date()) }, _count: { _all: true } });
  return new Map(counts.map((c) => [c.consumerId, c._count._all]));
}

export async function listConsumers(query: ListQuery): Promise<ConsumerPage> {
  const filters: Prisma.ConsumerWhereInput[] = [];
  if (query.q) {
    filters.push({ OR: [{ username: { contains: query.q, mode: "insensitive" } }, { customId: { contains: query.q, mode: "insensitive" } }] });
  }
  if (query.group) filters.push({ groups: { some: { groupId: query.group } } });
  const where: Prisma.ConsumerWhereInput = { AND: filters };
  const backwards = query.before !== undefined && query.after === undefined;
  const cursor = backwards ? { username: { lt: query.before } } : query.after !== undefined ? { username: { gt: query.after } } : {};

  const [records, total] = await Promise.all([
    db().consumer.findMany({
      where: { AND: [...filters, cursor] },
      orderBy: { username: backwards ? "desc" : "asc" },
      take: query.limit + 1,
      select: rowSelect,
    }),
    db().consumer.count({ where }),
  ]);
  const more = records.length > query.limit;
  const page = records.slice(0, query.limit);
  if (backwards) page.reverse();
  const [counts, ofDisabledUser] = await Promise.all([activeKeyCounts(page.map((r) => r.id)), ofDisabledUsers(page)]);
  const rows = page.map((record) => toRow(record, counts.get(record.id) ?? 0, ofDisabledUser));
  const first = rows[0]?.username;
  const last = rows.at(-1)?.username;
  // Going forwards, a previous page exists when we started after a cursor; going backwards, a next page always does.
  const hasPrevious = backwards ? more : query.after !== undefined;
  const hasNext = backwards ? true : more;
  return {
    rows,
    total,
    ...(hasNext && last !== undefined ? { after: last } : {}),
    ...(hasPrevious && first !== undefined ? { before: first } : {}),
  };
}

export interface ConsumerDetail extends ConsumerRow {
  updatedAt: string;
  keyCounts: { active: number; total: number };
}

export async function getConsumer(id: string): Promise<ConsumerDetail | undefined> {
  const [record, active, total] = await Promise.all([
    db().consumer.findUnique({ where: { id }, select: { ...rowSelect, updatedAt: true } }),
    db().apiKey.count({ where: { consumerId: id, ...activeKeyFilter(new Date()) } }),
    db().apiKey.count({ where: { consumerId: id } }),
  ]);
  if (!record) return undefined;
  return { ...toRow(record, active, await ofDisabledUsers([record])), updatedAt: record.updatedAt.toISOString(), keyCounts: { active, total } };
}

/** What the activity log records of a consumer: names, not ids, so the entry reads well after deletions. */
async function snapshot(tx: Tx, id: string) {
  const consumer = await tx.consumer.findUnique({
    where: { id },
    select: {
      username: true,
      customId: true,
      owner: { select: { email: true } },
      groups: { select: { group: { select: { name: true } } }, orderBy: { group: { name: "asc" } } },
      _count: { select: { apiKeys: true } },
    },
  });
  if (!consumer) return undefined;
  return {
    username: consumer.username,
    customId: consumer.customId,
    owner: consumer.owner?.email ?? null,
    groups: consumer.groups.map((m) => m.group.name),
    keys: consumer._count.apiKeys,
  };
}

/** Checks what zod cannot: unique names, existing groups and owner. Field errors, like the form's. */
async function resolveInput(tx: Tx, input: ConsumerInput, excludeId?: string) {
  const fields: Record<string, string> = {};
  const notSelf = excludeId ? { id: { not: excludeId } } : {};
  // One after the other: a transaction's queries share one connection.
  const sameName = await tx.consumer.findFirst({ where: { username: input.username, ...notSelf }, select: { id: true } });
  const sameCustomId = input.customId ? await tx.consumer.findFirst({ where: { customId: input.customId, ...notSelf }, select: { id: true } }) : null;
  const owner = input.ownerEmail ? await tx.user.findUnique({ where: { email: input.ownerEmail }, select: { id: true } }) : null;
  const groups = await tx.consumerGroup.findMany({ where: { id: { in: input.groupIds } }, select: { id: true } });
  if (sameName) fields.username = "another consumer has this username";
  if (sameCustomId) fields.customId = "another consumer has this custom id";
  if (input.ownerEmail && !owner) fields.ownerEmail = "no console user has this email";
  if (groups.length !== new Set(input.groupIds).size) fields.groupIds = "a selected group no longer exists; reload the page";
  if (Object.keys(fields).length) throw new ConsoleError(sameName || sameCustomId ? "conflict" : "invalid", "Some fields need attention.", fields);
  return { ownerUserId: owner?.id ?? null, groupIds: [...new Set(input.groupIds)] };
}

/** Whether a consumer of that name is disabled, or its console user is; undefined when there is none. */
export async function consumerStatus(username: string): Promise<"enabled" | "disabled" | "user_disabled" | undefined> {
  const consumer = await db().consumer.findUnique({ where: { username }, select: rowSelect });
  if (!consumer) return undefined;
  const row = toRow(consumer, 0, await ofDisabledUsers([consumer]));
  return row.disabled ? "disabled" : row.userDisabled ? "user_disabled" : "enabled";
}

export async function createConsumer(actor: CurrentUser, input: ConsumerInput): Promise<{ id: string; username: string }> {
  return configWrite(async (tx) => {
    const { ownerUserId, groupIds } = await resolveInput(tx, input);
    const consumer = await tx.consumer.create({
      data: { username: input.username, customId: input.customId, ownerUserId, groups: { create: groupIds.map((groupId) => ({ groupId })) } },
      select: { id: true, username: true },
    });
    await recordActivity(tx, actor, {
      action: "consumer.create",
      entityType: "consumer",
      entityId: consumer.id,
      entityName: consumer.username,
      after: await snapshot(tx, consumer.id),
    });
    return consumer;
  });
}

export async function updateConsumer(actor: CurrentUser, id: string, input: ConsumerInput): Promise<{ id: string; username: string }> {
  return configWrite(async (tx) => {
    const before = await snapshot(tx, id);
    if (!before) throw notFound("This consumer");
    const { ownerUserId, groupIds } = await resolveInput(tx, input, id);
    await tx.consumerGroupMember.deleteMany({ where: { consumerId: id, groupId: { notIn: groupIds } } });
    await tx.consumerGroupMember.createMany({ data: groupIds.map((groupId) => ({ consumerId: id, groupId })), skipDuplicates: true });
    const renamed = before.username !== input.username;
    const consumer = await tx.consumer.update({
      where: { id },
      data: { username: input.username, customId: input.customId, ownerUserId, ...(renamed ? { namedAt: new Date() } : {}) },
      select: { id: true, username: true },
    });
    // Sign-ins and approvals name the consumer by its username: a renamed one signs in again, its waiting calls
    // are void, and no later namesake inherits either; its audit trail under the new name starts now (namedAt).
    const revokedGrants = renamed ? await revokeGrants(tx, { accountId: before.username }) : 0;
    const voidedApprovals = renamed ? await voidApprovalsOfConsumers(tx, [before.username]) : 0;
    await recordActivity(tx, actor, {
      action: "consumer.update",
      entityType: "consumer",
      entityId: id,
      entityName: consumer.username,
      before,
      after: { ...(await snapshot(tx, id)), ...(revokedGrants ? { revokedGrants } : {}), ...(voidedApprovals ? { voidedApprovals } : {}) },
    });
    return consumer;
  });
}

/**
 * Disables or enables a consumer: a disabled one leaves the gateways' configuration (its keys and its
 * sign-ins' access tokens are refused with the next push) and cannot sign in; enabled, all of it works again.
 */
export async function setConsumerDisabled(actor: CurrentUser, id: string, disabled: boolean): Promise<void> {
  await configWrite(async (tx) => {
    const before = await tx.consumer.findUnique({ where: { id }, select: { username: true, disabledAt: true } });
    if (!before) throw notFound("This consumer");
    if ((before.disabledAt !== null) === disabled) return;
    await tx.consumer.update({ where: { id }, data: { disabledAt: disabled ? new Date() : null } });
    await recordActivity(tx, actor, {
      action: disabled ? "consumer.disable" : "consumer.enable",
      entityType: "consumer",
      entityId: id,
      entityName: before.username,
      before: { disabled: !disabled },
      after: { disabled },
    });
  });
}

export async function deleteConsumer(actor: CurrentUser, id: string): Promise<void> {
  await configWrite(async (tx) => {
    const before = await snapshot(tx, id);
    if (!before) throw notFound("This consumer");
    // Keys, group memberships and upstream connections go with it (ON DELETE CASCADE); its MCP clients' sign-ins
    // and its waiting calls' approvals too, or a consumer made later with the same name (a recycled email) would
    // inherit them.
    await tx.consumer.delete({ where: { id } });
    const revokedGrants = await revokeGrants(tx, { accountId: before.username });
    const voidedApprovals = await voidApprovalsOfConsumers(tx, [before.username]);
    await recordActivity(tx, actor, {
      action: "consumer.delete",
      entityType: "consumer",
      entityId: id,
      entityName: before.username,
      before,
      after: { revokedGrants, ...(voidedApprovals ? { voidedApprovals } : {}) },
    });
  });
}

/** Groups a consumer can join (the form's choices): names only, no member counts to compute. */
export async function listGroupChoices(): Promise<{ id: string; name: string; description: string }[]> {
  return db().consumerGroup.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, description: true } });
}

/** Console users an admin can pick as a consumer's owner. */
export async function listOwnerChoices(): Promise<{ email: string; name: string }[]> {
  return db().user.findMany({ where: { disabledAt: null }, orderBy: { email: "asc" }, take: 1000, select: { email: true, name: true } });
}

export interface OwnedConsumer {
  id: string;
  username: string;
  disabled: boolean;
  groups: string[];
  activeKeys: number;
}

/** The consumers a console user owns (My keys, My access), through the Consumer(ownerUserId) index. */
export async function listOwnedConsumers(userId: string): Promise<OwnedConsumer[]> {
  const consumers = await db().consumer.findMany({
    where: { ownerUserId: userId },
    orderBy: { username: "asc" },
    select: { id: true, username: true, disabledAt: true, groups: { select: { group: { select: { name: true } } }, orderBy: { group: { name: "asc" } } } },
  });
  const counts = await activeKeyCounts(consumers.map((c) => c.id));
  return consumers.map((c) => ({ id: c.id, username: c.username, disabled: c.disabledAt !== null, groups: c.groups.map((m) => m.group.name), activeKeys: counts.get(c.id) ?? 0 }));
}

/** A consumer username for a console user: their email, in the characters usernames allow. */
export function usernameFromEmail(email: string): string {
  const name = email
    .toLowerCase()
    .replace(/[^a-z0-9_.@-]/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, 120);
  return name || "developer";
}

async function freeUsername(tx: Tx, base: string): Promise<string> {
  const taken = new Set((await tx.consumer.findMany({ where: { username: { startsWith: base } }, select: { username: true }, take: 1000 })).map((c) => c.username));
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * Self-service: a developer without a consumer gets one, owned by them, in the
 * admins' default group — when the admins allow it (Settings). Idempotent: a
 * developer who already owns a consumer gets it back, however many requests race.
 */
export async function createOwnConsumer(actor: CurrentUser): Promise<{ id: string; username: string; created: boolean }> {
  return configWrite(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`own-consumer:${actor.id}`}))`;
    const existing = await tx.consumer.findFirst({ where: { ownerUserId: actor.id }, orderBy: { username: "asc" }, select: { id: true, username: true } });
    if (existing) return { ...existing, created: false };
    const settings = await readSelfServiceSettings(tx);
    if (actor.role !== "developer" || !settings.autoCreateConsumer) {
      throw new ConsoleError("forbidden", "Consumers are not created automatically here. Ask an admin to create one for you.");
    }
    const group = settings.defaultGroupId ? await tx.consumerGroup.findUnique({ where: { id: settings.defaultGroupId }, select: { id: true } }) : null;
    if (!group) throw new ConsoleError("conflict", "The group for new consumers no longer exists. Ask an admin to choose one under Settings.");
    const consumer = await tx.consumer.create({
      data: { username: await freeUsername(tx, usernameFromEmail(actor.email)), ownerUserId: actor.id, groups: { create: [{ groupId: group.id }] } },
      select: { id: true, username: true },
    });
    await recordActivity(tx, actor, {
      action: "consumer.create",
      entityType: "consumer",
      entityId: consumer.id,
      entityName: consumer.username,
      after: { ...(await snapshot(tx, consumer.id)), selfService: true },
    });
    return { ...consumer, created: true };
  });
}
