// The authorization server's signing keys. The console generates them (ES256),
// seals each private key with the master key (lib/core/vault/secret-box.ts,
// bound to the key's id) and publishes the public keys to the gateways in the
// compiled configuration (`authorization_server.jwks`). Rotation: a new key is
// made every 30 days and published at once, but signs only after 10 minutes,
// time for every gateway to have received it; the previous key stays published
// (tokens it signed live an hour), the one before is deleted.
import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { decryptSecret, encryptSecret } from "../core/vault/secret-box";
import type { Db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";

type Tx = Db | Prisma.TransactionClient;

export const SIGNING_ALGORITHM = "ES256";
export const ROTATE_AFTER_MS = 30 * 24 * 3600_000;
export const PROPAGATION_MS = 10 * 60_000;
/** Next, current and previous. */
const PUBLISHED_KEYS = 3;

export interface KeyRow {
  kid: string;
  createdAt: Date;
}

export interface KeyPlan<K extends KeyRow> {
  /** The key that signs now. */
  signing: K;
  /** What the gateways accept, newest first. */
  published: K[];
  /** Older than the previous key: no token they signed is still valid. */
  retired: K[];
  /** The newest key is due for replacement. */
  rotate: boolean;
}

/** Which key signs, which are published, and whether to make a new one (keys: any order, at least one). */
export function planSigningKeys<K extends KeyRow>(keys: readonly K[], now: Date): KeyPlan<K> {
  const newestFirst = [...keys].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const propagated = newestFirst.find((key) => now.getTime() - key.createdAt.getTime() >= PROPAGATION_MS);
  // The very first key signs at once: no gateway can hold an older one.
  const signing = propagated ?? newestFirst[newestFirst.length - 1]!;
  const keep = Math.max(newestFirst.indexOf(signing) + 2, 1);
  const published = newestFirst.slice(0, Math.min(keep, PUBLISHED_KEYS));
  return {
    signing,
    published,
    retired: newestFirst.slice(published.length),
    rotate: now.getTime() - newestFirst[0]!.createdAt.getTime() >= ROTATE_AFTER_MS,
  };
}

const sealName = (kid: string) => `oauth-signing-key:${kid}`;

async function createSigningKey(tx: Tx, masterKey: Buffer, now: Date) {
  const kid = randomUUID();
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM, use: "sig" };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM, use: "sig" };
  return tx.oAuthSigningKey.create({
    data: { kid, alg: SIGNING_ALGORITHM, publicJwk, privateCiphertext: encryptSecret(masterKey, sealName(kid), JSON.stringify(privateJwk)), createdAt: now },
  });
}

/** Makes the first key, or the next one when due, and deletes retired keys. True when the published set changed. */
export async function rotateSigningKeys(tx: Tx, masterKey: Buffer, now = new Date()): Promise<boolean> {
  const keys = await tx.oAuthSigningKey.findMany({ select: { kid: true, createdAt: true } });
  if (keys.length === 0) {
    await createSigningKey(tx, masterKey, now);
    return true;
  }
  const plan = planSigningKeys(keys, now);
  if (plan.retired.length) await tx.oAuthSigningKey.deleteMany({ where: { kid: { in: plan.retired.map((k) => k.kid) } } });
  if (plan.rotate) await createSigningKey(tx, masterKey, now);
  return plan.rotate || plan.retired.length > 0;
}

/** The public keys the gateways accept (none before the first key is made). */
export async function publishedJwks(tx: Tx, now = new Date()): Promise<JWK[]> {
  const keys = await tx.oAuthSigningKey.findMany({ select: { kid: true, createdAt: true, publicJwk: true } });
  if (keys.length === 0) return [];
  return planSigningKeys(keys, now).published.map((k) => k.publicJwk as JWK);
}

/** The private key that signs now, unsealed in memory. */
export async function currentSigningKey(tx: Tx, masterKey: Buffer, now = new Date()): Promise<JWK> {
  const keys = await tx.oAuthSigningKey.findMany({ select: { kid: true, createdAt: true, privateCiphertext: true } });
  if (keys.length === 0) throw new Error("the authorization server has no signing key yet");
  const { signing } = planSigningKeys(keys, now);
  return JSON.parse(decryptSecret(masterKey, sealName(signing.kid), signing.privateCiphertext)) as JWK;
}
