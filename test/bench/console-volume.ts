// npm run bench:console — the consumers list and a consumer's detail with
// 10,000 consumers and 50,000 keys (and My keys / My access over the config
// version compiled from them), timed through the same functions the
// pages call, in a throwaway database (embedded PostgreSQL, or a new database
// on the server in DATABASE_URL). Prints median / p95 / max per query and the
// plans PostgreSQL chose.
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { databaseUrlFromEnvironment, seedVolume } from "../../prisma/seed-volume";
import { listConsumerKeys } from "../../lib/console/api-keys";
import { getConsumer, listConsumers, listOwnedConsumers } from "../../lib/console/consumers";
import { loadPublishedPolicy } from "../../lib/console/effective-access";
import { publishConfigVersion } from "../../lib/controlplane/versions";
import { consumerListQuerySchema } from "../../lib/console/schemas/consumer";
import { apiKeyListQuerySchema } from "../../lib/console/schemas/api-key";
import { createDb, type Db } from "../../lib/db/client";
import { startEmbeddedPostgres } from "../../launcher/database/embedded-postgres";
import { applyMigrations } from "../../lib/db/migrate";
import { findFreePort } from "../../lib/net/ports";

const RUNS = 30;

async function throwawayServer(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: databaseUrlFromEnvironment(process.env), stop: async () => {} };
  return startEmbeddedPostgres({ dataDir: path.resolve(".portcullis/test", `bench-${randomBytes(4).toString("hex")}`), port: await findFreePort(), throwaway: true });
}

async function time(label: string, run: () => Promise<unknown>): Promise<{ label: string; median: number; p95: number; max: number }> {
  for (let i = 0; i < 3; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { label, median: at(0.5), p95: at(0.95), max: samples.at(-1)! };
}

async function main() {
  const server = await throwawayServer();
  const name = `portcullis_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  try {
    await applyMigrations(databaseUrl);
    const seeded = await seedVolume(databaseUrl, { consumers: 10_000, keysPerConsumer: 5, groups: 10, prefix: "volume" });
    console.log(`seeded ${seeded.consumers} consumers, ${seeded.keys} keys, ${seeded.memberships} memberships in ${seeded.ms} ms`);

    const db: Db = createDb(databaseUrl);
    (globalThis as { portcullisDb?: Db }).portcullisDb = db;
    const list = (query: Record<string, unknown>) => listConsumers(consumerListQuerySchema.parse(query));
    const group = await db.consumerGroup.findFirstOrThrow({ where: { name: "volume-team-3" } });
    const middle = await db.consumer.findUniqueOrThrow({ where: { username: "volume-05000" } });
    const page2 = (await list({})).after;
    const developer = await db.user.create({ data: { email: "bench-developer@example.com", role: "developer" } });
    const owned = await db.consumer.update({ where: { id: middle.id }, data: { ownerUserId: developer.id }, select: { username: true, ownerUserId: true } });
    const published = performance.now();
    await publishConfigVersion(db, { reason: "bench" });
    console.log(`published a config version of all of them in ${(performance.now() - published).toFixed(0)} ms`);

    const results = [
      await time("consumers, first page (50 of 10,000, with total)", () => list({})),
      await time("consumers, next page (keyset cursor)", () => list({ after: page2 })),
      await time("consumers, page near the end (cursor)", () => list({ after: "volume-09950" })),
      await time("consumers, search by username substring", () => list({ q: "0999" })),
      await time("consumers, search by custom id", () => list({ q: "sub-1z" })),
      await time("consumers, group filter", () => list({ group: group.id })),
      await time("consumer detail (consumer + key counts)", () => getConsumer(middle.id)),
      await time("consumer detail, keys first page", () => listConsumerKeys({ consumerId: middle.id }, apiKeyListQuerySchema.parse({}))),
      await time("My keys: a user's own consumers", () => listOwnedConsumers(owned.ownerUserId!)),
      await time("My access: servers + one consumer of the version", () => loadPublishedPolicy(db, [owned.username])),
    ];
    console.log(`\n${"query".padEnd(52)} ${"median".padStart(8)} ${"p95".padStart(8)} ${"max".padStart(8)}  (${RUNS} runs each)`);
    for (const r of results) console.log(`${r.label.padEnd(52)} ${r.median.toFixed(1).padStart(6)}ms ${r.p95.toFixed(1).padStart(6)}ms ${r.max.toFixed(1).padStart(6)}ms`);

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const plans: [string, string, unknown[]][] = [
      ["search", `SELECT id FROM "Consumer" WHERE username ILIKE $1 OR "customId" ILIKE $1 ORDER BY username LIMIT 51`, ["%0999%"]],
      ["next page", `SELECT id FROM "Consumer" WHERE username > $1 ORDER BY username LIMIT 51`, ["volume-05000"]],
      ["keys of a consumer", `SELECT id FROM "ApiKey" WHERE "consumerId" = $1 ORDER BY "createdAt" DESC, id DESC LIMIT 51`, [middle.id]],
    ];
    for (const [label, sql, params] of plans) {
      const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ANALYZE ${sql}`, params);
      console.log(`\nplan, ${label}:\n  ${rows.map((r) => r["QUERY PLAN"]).join("\n  ")}`);
    }
    await client.end();
    await db.$disconnect();
    const worst = Math.max(...results.map((r) => r.max));
    if (worst >= 1000) {
      console.error(`\nbench:console: a query took ${worst.toFixed(0)} ms (limit 1000 ms)`);
      process.exitCode = 1;
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(`bench:console: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
