// Config versions: each compile that changes anything becomes a new immutable
// version (number, SHA-256 of the canonical JSON, author, time), announced to
// every console process with NOTIFY so they push it to their data planes.
import { compileConfig } from "../config/compile";
import { configHash } from "../core/config/canonical";
import { parseConfig, type GatewayConfigInput } from "../core/config/schema";
import type { Db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { voidApprovalsWithoutRule } from "./approval-rules";
import { loadConfigSnapshot } from "./snapshot";

export const CONFIG_CHANNEL = "portcullis_config";
// Serialises publishers (and the checks of console writes, lib/controlplane/config-check.ts) across processes; any constant works.
export const PUBLISH_LOCK_ID = 72707370;

export interface PublishedVersion {
  number: number;
  hash: string;
  created: boolean;
}

export class InvalidCompiledConfig extends Error {
  constructor(readonly problems: string[]) {
    super(`the compiled configuration is invalid: ${problems.join("; ")}`);
  }
}

/** Stores `document` as a new version unless it equals the latest one. */
export async function storeVersion(tx: Prisma.TransactionClient, document: GatewayConfigInput, options: { authorId?: string; reason: string }): Promise<PublishedVersion> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${PUBLISH_LOCK_ID})`;
  const hash = configHash(document);
  const latest = await tx.configVersion.findFirst({ orderBy: { number: "desc" }, select: { number: true, hash: true } });
  if (latest?.hash === hash) return { number: latest.number, hash, created: false };
  const number = (latest?.number ?? 0) + 1;
  await tx.configVersion.create({
    data: { number, hash, document, authorId: options.authorId, reason: options.reason },
  });
  await tx.$executeRaw`SELECT pg_notify(${CONFIG_CHANNEL}, ${String(number)})`;
  return { number, hash, created: true };
}

/** Compiles the current database state and stores it as a version if it changed. */
export async function publishConfigVersion(db: Db, options: { authorId?: string; reason: string }): Promise<PublishedVersion> {
  return db.$transaction(
    async (tx) => {
      const document = compileConfig(await loadConfigSnapshot(tx));
      const parsed = parseConfig(document);
      if (!parsed.ok) throw new InvalidCompiledConfig(parsed.problems);
      const version = await storeVersion(tx, document, options);
      if (version.created) await voidApprovalsWithoutRule(tx, parsed.config);
      return version;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}

export async function latestVersion(db: Db) {
  return db.configVersion.findFirst({ orderBy: { number: "desc" }, select: { number: true, hash: true, document: true, createdAt: true } });
}
