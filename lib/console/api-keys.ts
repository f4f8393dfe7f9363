// API keys of a consumer: issued, listed, revoked and rolled, by admins for
// any consumer and by developers for their own (My keys). The key is
// generated here, returned once, and only its hash and display prefix are
// stored (lib/core/keys/api-key.ts). Every query is scoped to the consumer in the
// URL, and in self-service also to its owner; creating and rolling lock the
// consumer's row so that its limit of active keys holds under concurrent requests.
import type { z } from "zod";
import type { CurrentUser } from "../auth/session";
import { db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { displayPrefix, generateApiKey, hashApiKey } from "../core/keys/api-key";
import { recordActivity } from "./activity";
import { ConsoleError, notFound } from "./errors";
import { assertRoomForKey, cappedKeyExpiry, replacementKeyExpiry, rolledKeyExpiry } from "./key-policy";
import type { apiKeyInputSchema, apiKeyListQuerySchema, apiKeyRollSchema } from "./schemas/api-key";
import { readSelfServiceSettings } from "./settings";

type Tx = Prisma.TransactionClient;

/**
 * Which consumer's keys a request may touch. With `ownerUserId` (My keys), only
 * a consumer that user owns — anything else is "not found" — and the admins'
 * maximum key lifetime applies.
 */
export interface KeyScope {
  consumerId: string;
  ownerUserId?: string;
}

export type ApiKeyStatus = "active" | "expired" | "revoked";

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  status: ApiKeyStatus;
}

const keySelect = {
  id: true,
  name: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  createdBy: { select: { email: true } },
} satisfies Prisma.ApiKeySelect;

type KeyRecord = Prisma.ApiKeyGetPayload<{ select: typeof keySelect }>;

export function keyStatus(key: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()): ApiKeyStatus {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && key.expiresAt <= now) return "expired";
  return "active";
}

function toView(key: KeyRecord, now: Date): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    createdBy: key.createdBy?.email ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    status: keyStatus(key, now),
  };
}

export const activeKeyFilter = (now: Date): Prisma.ApiKeyWhereInput => ({ revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] });

const ownedBy = (scope: KeyScope): Prisma.ConsumerWhereInput => ({ id: scope.consumerId, ...(scope.ownerUserId ? { ownerUserId: scope.ownerUserId } : {}) });

interface LockedConsumer {
  id: string;
  username: string;
  disabledAt: Date | null;
}

/** The scoped consumer, its row locked until the transaction ends (so two requests cannot both take the last free key slot). */
async function lockConsumer(tx: Tx, scope: KeyScope): Promise<LockedConsumer> {
  const rows = scope.ownerUserId
    ? await tx.$queryRaw<LockedConsumer[]>`SELECT id, username, "disabledAt" FROM "Consumer" WHERE id = ${scope.consumerId} AND "ownerUserId" = ${scope.ownerUserId} FOR UPDATE`
    : await tx.$queryRaw<LockedConsumer[]>`SELECT id, username, "disabledAt" FROM "Consumer" WHERE id = ${scope.consumerId} FOR UPDATE`;
  const consumer = rows[0];
  if (!consumer) throw notFound("This consumer");
  // An admin may prepare keys for a disabled consumer; its owner would only make keys that cannot work.
  if (scope.ownerUserId && consumer.disabledAt) throw new ConsoleError("conflict", "An admin disabled this consumer: the gateway refuses its keys. Ask an admin to enable it.");
  return consumer;
}

export interface ApiKeyPage {
  keys: ApiKeyView[];
  /** Pass as `cursor` for the next (older) keys. */
  next?: string;
}

/** A consumer's keys, newest first (index ApiKey(consumerId, createdAt)). */
export async function listConsumerKeys(scope: KeyScope, query: z.infer<typeof apiKeyListQuerySchema>): Promise<ApiKeyPage> {
  const { consumerId } = scope;
  if (scope.ownerUserId && !(await db().consumer.findFirst({ where: ownedBy(scope), select: { id: true } }))) throw notFound("This consumer");
  const keys = await db().apiKey.findMany({
    where: { consumerId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor, consumerId }, skip: 1 } : {}),
    select: keySelect,
  });
  const now = new Date();
  const page = keys.slice(0, query.limit).map((key) => toView(key, now));
  return keys.length > query.limit ? { keys: page, next: page.at(-1)!.id } : { keys: page };
}

export interface IssuedApiKey {
  key: ApiKeyView;
  /** The full key: shown to its creator once, never stored or logged. */
  secret: string;
}

async function createKey(tx: Tx, actor: CurrentUser, consumerId: string, name: string, expiresAt: Date | null): Promise<{ record: KeyRecord; secret: string }> {
  const secret = generateApiKey();
  const record = await tx.apiKey.create({
    data: { consumerId, name, prefix: displayPrefix(secret), hash: hashApiKey(secret), expiresAt, createdById: actor.id },
    select: keySelect,
  });
  return { record, secret };
}

export async function issueApiKey(actor: CurrentUser, scope: KeyScope, input: z.infer<typeof apiKeyInputSchema>): Promise<IssuedApiKey> {
  return db().$transaction(async (tx) => {
    const consumer = await lockConsumer(tx, scope);
    const settings = await readSelfServiceSettings(tx);
    const now = new Date();
    const requested = input.expiresAt ? new Date(input.expiresAt) : null;
    const expiresAt = scope.ownerUserId ? cappedKeyExpiry(requested, settings.maxKeyLifetimeDays, now) : requested;
    assertRoomForKey(await tx.apiKey.count({ where: { consumerId: consumer.id, ...activeKeyFilter(now) } }), settings.maxActiveKeysPerConsumer, "create");
    const { record, secret } = await createKey(tx, actor, consumer.id, input.name, expiresAt);
    await recordActivity(tx, actor, {
      action: "api_key.create",
      entityType: "api_key",
      entityId: record.id,
      entityName: `${consumer.username} / ${record.name}`,
      after: { consumer: consumer.username, name: record.name, prefix: record.prefix, expiresAt: record.expiresAt },
    });
    return { key: toView(record, new Date()), secret };
  });
}

/** Revoking is final and idempotent: the key row stays for the audit trail and its last use. */
export async function revokeApiKey(actor: CurrentUser, scope: KeyScope, keyId: string): Promise<ApiKeyView> {
  return db().$transaction(async (tx) => {
    const key = await tx.apiKey.findFirst({ where: { id: keyId, consumer: ownedBy(scope) }, select: { ...keySelect, consumer: { select: { username: true } } } });
    if (!key) throw notFound("This API key");
    if (key.revokedAt) return toView(key, new Date());
    const revoked = await tx.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() }, select: keySelect });
    await recordActivity(tx, actor, {
      action: "api_key.revoke",
      entityType: "api_key",
      entityId: keyId,
      entityName: `${key.consumer.username} / ${key.name}`,
      before: { consumer: key.consumer.username, name: key.name, prefix: key.prefix, revokedAt: null },
      after: { consumer: key.consumer.username, name: key.name, prefix: key.prefix, revokedAt: revoked.revokedAt },
    });
    return toView(revoked, new Date());
  });
}

export interface RolledApiKey extends IssuedApiKey {
  /** The rolled key, working until its new expiry (the end of the overlap). */
  previous: ApiKeyView;
}

/**
 * Issues a key to replace `keyId` and lets the old one work for the overlap
 * only: its expiry becomes now + overlap (never later than it was), which the
 * compiled configuration carries to the gateways as `expires_at`. The new key
 * has the same name and the old key's lifetime again.
 */
export async function rollApiKey(actor: CurrentUser, scope: KeyScope, keyId: string, input: z.infer<typeof apiKeyRollSchema>): Promise<RolledApiKey> {
  return db().$transaction(async (tx) => {
    const consumer = await lockConsumer(tx, scope);
    const old = await tx.apiKey.findFirst({ where: { id: keyId, consumerId: consumer.id }, select: keySelect });
    if (!old) throw notFound("This API key");
    const now = new Date();
    const status = keyStatus(old, now);
    if (status !== "active") throw new ConsoleError("conflict", `This key is ${status}: only an active key can be rolled. Create a new key instead.`);
    const settings = await readSelfServiceSettings(tx);
    const previous = await tx.apiKey.update({ where: { id: old.id }, data: { expiresAt: rolledKeyExpiry(old.expiresAt, input.overlapSeconds, now) }, select: keySelect });
    // Counted after the old key's new expiry: with no overlap it no longer takes a slot.
    assertRoomForKey(await tx.apiKey.count({ where: { consumerId: consumer.id, ...activeKeyFilter(now) } }), settings.maxActiveKeysPerConsumer, "roll");
    const expiresAt = replacementKeyExpiry(old, scope.ownerUserId ? settings.maxKeyLifetimeDays : null, now);
    const { record, secret } = await createKey(tx, actor, consumer.id, old.name, expiresAt);
    await recordActivity(tx, actor, {
      action: "api_key.roll",
      entityType: "api_key",
      entityId: record.id,
      entityName: `${consumer.username} / ${record.name}`,
      before: { consumer: consumer.username, name: old.name, prefix: old.prefix, expiresAt: old.expiresAt },
      after: {
        consumer: consumer.username,
        name: record.name,
        prefix: record.prefix,
        expiresAt: record.expiresAt,
        previousKey: { id: old.id, prefix: old.prefix, expiresAt: previous.expiresAt },
        overlapSeconds: input.overlapSeconds,
      },
    });
    return { key: toView(record, now), secret, previous: toView(previous, now) };
  });
}
