import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import type { AuditEvent } from "../core/audit/event";
import type pg from "pg";
import { createDb, createPool, type Db } from "../db/client";
import { ingestAuditEvents, pruneAuditData, recoverRollupLedger, RollupWriter } from "./ingest";
import { bucketIndex, bucketUpperBound, quantileFromBuckets } from "./latency-buckets";

let database: TestDatabase;
let pool: pg.Pool;
let db: Db;
let writer: RollupWriter;
async function ingest(events: AuditEvent[]) {
  const result = await ingestAuditEvents(pool, writer, events, null);
  await writer.flush();
  return result;
}
beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  db = createDb(pool);
  writer = new RollupWriter(pool);
});
afterAll(async () => {
  await db.$disconnect();
  await pool.end();
  await database.drop();
});

function event(overrides: Partial<AuditEvent>): AuditEvent {
  return {
    id: randomUUID(),
    time: "2026-11-26T10:15:30.000Z",
    request_id: randomUUID(),
    http_method: "POST",
    path: "/mcp",
    session: false,
    server: "github",
    consumer: "dev-user",
    groups: ["developer"],
    key_id: null,
    end_user: null,
    upstream_identity: null,
    method: "tools/call",
    tool: "search_repositories",
    decision: "allow",
    reason: "",
    status: 200,
    jsonrpc_error: null,
    upstream_latency_ms: 3,
    total_latency_ms: 4,
    bytes_in: 100,
    bytes_out: 900,
    token_hash: null,
    config_version: null,
    ...overrides,
  };
}

describe("latency buckets", () => {
  it("puts every latency in the bucket whose bounds contain it", () => {
    for (const ms of [0, 0.05, 0.1, 0.11, 1, 3.7, 42, 999, 59_000, 10_000_000]) {
      const i = bucketIndex(ms);
      expect(ms).toBeLessThanOrEqual(bucketUpperBound(i));
      if (i > 0) expect(ms).toBeGreaterThan(bucketUpperBound(i - 1));
    }
  });
});

describe("audit ingestion", () => {
  it("stores events once and rolls them up per minute, server, consumer, tool and decision", async () => {
    const batch = [
      event({ total_latency_ms: 2 }),
      event({ total_latency_ms: 8, time: "2026-11-26T10:15:59.999Z" }),
      event({ decision: "deny", tool: "push_files", total_latency_ms: 0.3, status: 200, jsonrpc_error: -32602 }),
      event({ decision: "error", total_latency_ms: 30_000, status: 504, time: "2026-11-26T10:16:00.000Z" }),
    ];
    expect(await ingest(batch)).toEqual({ inserted: 4, duplicates: 0 });
    // The same batch again (a retry after a lost response) changes nothing.
    expect(await ingest(batch)).toEqual({ inserted: 0, duplicates: 4 });

    const rollups = await db.auditRollup.findMany({ orderBy: [{ minute: "asc" }, { decision: "asc" }] });
    expect(rollups.map((r) => [r.minute.toISOString(), r.toolName, r.decision, r.count, r.errorCount, r.latencySumMs])).toEqual([
      ["2026-11-26T10:15:00.000Z", "search_repositories", "allow", 2, 0, 10],
      ["2026-11-26T10:15:00.000Z", "push_files", "deny", 1, 0, 0.3],
      ["2026-11-26T10:16:00.000Z", "search_repositories", "error", 1, 1, 30_000],
    ]);
    expect(await db.auditEvent.count()).toBe(4);
  });

  it("gives percentiles within one bucket of the exact values computed from the raw events", async () => {
    const latencies = Array.from({ length: 1000 }, (_, i) => 0.5 + ((i * 7919) % 1000) * 0.37);
    for (let i = 0; i < latencies.length; i += 250) {
      await ingest(latencies.slice(i, i + 250).map((ms) => event({ server: "percentiles", total_latency_ms: ms })));
    }
    const rows = await db.auditRollup.findMany({ where: { serverName: "percentiles" } });
    const merged = rows.reduce<number[]>((sum, r) => r.latencyBuckets.map((n, i) => n + (sum[i] ?? 0)), []);
    const sorted = [...latencies].sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1]!;
      const estimate = quantileFromBuckets(merged, q)!;
      expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.2);
    }
  });

  it("records when each API key was last used", async () => {
    const consumer = await db.consumer.create({ data: { username: "key-user" } });
    const key = await db.apiKey.create({ data: { consumerId: consumer.id, name: "k", prefix: "pcs_abcd", hash: `sha256:${"e".repeat(64)}` } });
    await ingest([event({ key_id: key.id, time: "2026-11-26T10:00:00.000Z" }), event({ key_id: key.id, time: "2026-11-26T11:00:00.000Z" })]);
    await ingest([event({ key_id: key.id, time: "2026-11-26T09:00:00.000Z" })]);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt?.toISOString()).toBe("2026-11-26T11:00:00.000Z");
  });

  it("prunes raw events past the retention", async () => {
    // On a data plane's chain of its own: the other chain's events arrived before and are newer, and
    // pruning never cuts a chain in the middle (chain.test.ts).
    const plane = await db.dataPlane.create({ data: { name: "prune", tokenHash: randomUUID(), tokenPrefix: "pcdp_" } });
    await ingestAuditEvents(pool, writer, [event({ server: "old", time: "2026-01-01T00:00:00.000Z" })], plane.id);
    await writer.flush();
    const result = await pruneAuditData(db, 30, new Date("2026-11-26T12:00:00Z"));
    expect(result.events).toBe(1);
    expect(await db.auditEvent.count({ where: { serverName: "old" } })).toBe(0);
  });
});

describe("rollup ledger", () => {
  it("rolls up exactly once the events whose flush never happened (a crash), and never twice", async () => {
    const crashed = new RollupWriter(pool);
    const batch = [event({ server: "ledger" }), event({ server: "ledger" })];
    await ingestAuditEvents(pool, crashed, batch, null);
    // The writer never flushes: its process "died". The events are stored, the ledger remembers them.
    expect(await db.auditRollup.count({ where: { serverName: "ledger" } })).toBe(0);
    expect(await db.rollupLedger.count()).toBe(1);

    expect(await recoverRollupLedger(pool, 0)).toBe(2);
    expect(await recoverRollupLedger(pool, 0)).toBe(0);
    const rows = await db.auditRollup.findMany({ where: { serverName: "ledger" } });
    expect(rows.reduce((sum, r) => sum + r.count, 0)).toBe(2);
    expect(await db.rollupLedger.count()).toBe(0);
  });
});

describe("rollup ledger and a live flush", () => {
  const total = async (server: string) => (await db.auditRollup.findMany({ where: { serverName: server } })).reduce((sum, r) => sum + r.count, 0);
  const requests = async (server: string) =>
    (await db.auditSeries.findMany({ where: { granularity: "minute", scope: "server", key: server } })).reduce((sum, r) => sum + r.requests, 0);

  it("adds nothing when recovery rolled up the batch between its commit and the flush", async () => {
    const slow = new RollupWriter(pool);
    await ingestAuditEvents(pool, slow, [event({ server: "late-flush" }), event({ server: "late-flush" })], null);
    // The batch (or the writer's pending flush) took longer than recovery's age: recovery runs first.
    expect(await recoverRollupLedger(pool, 0)).toBe(2);
    await slow.flush();
    expect(await total("late-flush")).toBe(2);
    expect(await requests("late-flush")).toBe(2);
    expect(await db.rollupLedger.count()).toBe(0);
  });

  it("writes only the batches it could claim when recovery took some of them, and keeps every key's last use", async () => {
    const consumer = await db.consumer.create({ data: { username: "race-user" } });
    const key = await db.apiKey.create({ data: { consumerId: consumer.id, name: "k", prefix: "pcs_race", hash: `sha256:${"f".repeat(64)}` } });
    const slow = new RollupWriter(pool);
    const recovered = [event({ server: "half-flush", key_id: key.id, time: "2026-11-26T10:20:00.000Z" }), event({ server: "half-flush", tool: "push_files" })];
    const flushed = [event({ server: "half-flush", key_id: key.id, time: "2026-11-26T10:10:00.000Z" }), event({ server: "half-flush" }), event({ server: "half-flush" })];
    await ingestAuditEvents(pool, slow, recovered, null);
    await ingestAuditEvents(pool, slow, flushed, null);
    // Only the first batch's ledger row is old enough for recovery.
    await pool.query(`UPDATE "RollupLedger" SET "createdAt" = now() - interval '1 hour' WHERE $1 = ANY("eventIds")`, [recovered[0]!.id]);
    expect(await recoverRollupLedger(pool, 60_000)).toBe(2);
    await slow.flush();

    expect(await total("half-flush")).toBe(5);
    expect(await requests("half-flush")).toBe(5);
    const pushes = await db.auditRollup.findMany({ where: { serverName: "half-flush", toolName: "push_files" } });
    expect(pushes.map((r) => r.count)).toEqual([1]);
    expect(await db.rollupLedger.count()).toBe(0);
    // Recovery cannot know the key of the events it rolled up; the flush still records it.
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt?.toISOString()).toBe("2026-11-26T10:20:00.000Z");
  });

  it("rolls each batch up exactly once when recovery and the flush run at the same time", async () => {
    const rounds = 15;
    for (let round = 0; round < rounds; round++) {
      const racing = new RollupWriter(pool);
      await ingestAuditEvents(pool, racing, [event({ server: "racing" }), event({ server: "racing" }), event({ server: "racing" })], null);
      await Promise.all([racing.flush(), recoverRollupLedger(pool, 0)]);
    }
    expect(await total("racing")).toBe(3 * rounds);
    expect(await requests("racing")).toBe(3 * rounds);
    expect(await db.rollupLedger.count()).toBe(0);
  });
});
