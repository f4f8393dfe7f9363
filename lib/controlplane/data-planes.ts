// Data-plane tokens: `pcdp_<32 base62>`, shown once, stored as SHA-256 only.
import { createHash } from "node:crypto";
import { hashesEqual } from "../core/keys/api-key";
import { randomBase62 } from "../core/keys/base62";
import type { Db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";

/**
 * NOTIFY channel of revocations (payload: the data plane's id), sent in the transaction that revokes
 * or re-issues a token, so every console process closes that plane's open streams at once
 * (version-feed.ts, app/api/dp/v1/config). The streams do not trust it alone: each send and each
 * keep-alive re-reads the row (dataPlaneStillAuthorized), which also covers a notification lost
 * while a process's LISTEN connection was down.
 */
export const DATA_PLANE_REVOKED_CHANNEL = "portcullis_data_plane_revoked";

export async function announceRevocation(tx: Db | Prisma.TransactionClient, planeId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${DATA_PLANE_REVOKED_CHANNEL}, ${planeId})`;
}

export function generateDataPlaneToken(): string {
  return `pcdp_${randomBase62(32)}`;
}

export function hashDataPlaneToken(token: string): string {
  return `sha256:${createHash("sha256").update(token).digest("hex")}`;
}

export async function createDataPlane(db: Db, name: string, createdById?: string): Promise<{ id: string; token: string }> {
  const token = generateDataPlaneToken();
  const plane = await db.dataPlane.create({
    data: { name, tokenHash: hashDataPlaneToken(token), tokenPrefix: token.slice(0, 9), createdById },
    select: { id: true },
  });
  return { id: plane.id, token };
}

/** The data plane a bearer token belongs to, or undefined (unknown, malformed or revoked). */
export async function authenticateDataPlane(db: Db, authorization: string | null) {
  const token = authorization?.match(/^Bearer (pcdp_[0-9A-Za-z]{32})$/)?.[1];
  if (!token) return undefined;
  const hash = hashDataPlaneToken(token);
  const plane = await db.dataPlane.findUnique({ where: { tokenHash: hash } });
  if (!plane || plane.revokedAt || !hashesEqual(plane.tokenHash, hash)) return undefined;
  return plane;
}

/**
 * Whether the token `plane` was authenticated with still opens it: the row is there, not revoked,
 * and still holds that token's hash (the bundled data plane is re-issued a token on the same row,
 * which clears revokedAt). One primary-key lookup; long-lived requests call it before they answer.
 */
export async function dataPlaneStillAuthorized(db: Db, plane: { id: string; tokenHash: string }): Promise<boolean> {
  const row = await db.dataPlane.findFirst({ where: { id: plane.id, tokenHash: plane.tokenHash, revokedAt: null }, select: { id: true } });
  return row !== null;
}

/**
 * The gateway that `npm start` runs registers itself: its token lives in the
 * data folder, and the data plane "bundled" is (re)created to match it.
 */
export async function ensureBundledDataPlane(db: Db, readToken: () => string | undefined, writeToken: (token: string) => void): Promise<string> {
  const existing = readToken();
  if (existing) {
    const plane = await db.dataPlane.findUnique({ where: { tokenHash: hashDataPlaneToken(existing) } });
    if (plane && !plane.revokedAt) return existing;
  }
  const token = generateDataPlaneToken();
  const data = { tokenHash: hashDataPlaneToken(token), tokenPrefix: token.slice(0, 9), revokedAt: null };
  const plane = await db.dataPlane.upsert({ where: { name: "bundled" }, create: { name: "bundled", ...data }, update: data, select: { id: true } });
  // A stream still open with the replaced token (another console process) closes.
  await announceRevocation(db, plane.id);
  writeToken(token);
  return token;
}
