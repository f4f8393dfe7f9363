// Admins issue and revoke API keys for any consumer. The key is generated
// here, returned once, and only its hash and display prefix are stored
// (lib/keys/api-key.ts). Every query is scoped to the consumer in the URL.
import type { z } from "zod";
import type { CurrentUser } from "../auth/session";
import { db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { displayPrefix, generateApiKey, hashApiKey } from "../keys/api-key";
import { recordActivity } from "./activity";
import { notFound } from "./errors";
import type { apiKeyInputSchema, apiKeyListQuerySchema } from "./schemas/api-key";

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

export interface ApiKeyPage {
  keys: ApiKeyView[];
  /** Pass as `cursor` for the next (older) keys. */
  next?: string;
}

/** A consumer's keys, newest first (index ApiKey(consumerId, createdAt)). */
export async function listConsumerKeys(consumerId: string, query: z.infer<typeof apiKeyListQuerySchema>): Promise<ApiKeyPage> {
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
  /** The full key: shown to the admin once, never stored or logged. */
  secret: string;
}

export async function issueApiKey(actor: CurrentUser, consumerId: string, input: z.infer<typeof apiKeyInputSchema>): Promise<IssuedApiKey> {
  const secret = generateApiKey();
  return db().$transaction(async (tx) => {
    const consumer = await tx.consumer.findUnique({ where: { id: consumerId }, select: { username: true } });
    if (!consumer) throw notFound("This consumer");
    const key = await tx.apiKey.create({
      data: {
        consumerId,
        name: input.name,
        prefix: displayPrefix(secret),
        hash: hashApiKey(secret),
        expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
        createdById: actor.id,
      },
      select: keySelect,
    });
    await recordActivity(tx, actor, {
      action: "api_key.create",
      entityType: "api_key",
      entityId: key.id,
      entityName: `${consumer.username} / ${key.name}`,
      after: { consumer: consumer.username, name: key.name, prefix: key.prefix, expiresAt: key.expiresAt },
    });
    return { key: toView(key, new Date()), secret };
  });
}

/** Revoking is final and idempotent: the key row stays for the audit trail and its last use. */
export async function revokeApiKey(actor: CurrentUser, consumerId: string, keyId: string): Promise<ApiKeyView> {
  return db().$transaction(async (tx) => {
    const key = await tx.apiKey.findFirst({ where: { id: keyId, consumerId }, select: { ...keySelect, consumer: { select: { username: true } } } });
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
