// Data-plane tokens: `pcdp_<32 base62>`, shown once, stored as SHA-256 only.
import { createHash } from "node:crypto";
import { hashesEqual } from "../core/keys/api-key";
import { randomBase62 } from "../core/keys/base62";
import type { Db } from "../db/client";

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
  await db.dataPlane.upsert({ where: { name: "bundled" }, create: { name: "bundled", ...data }, update: data });
  writeToken(token);
  return token;
}
