// Audit events from the data planes: stored once (idempotent by event id),
// then folded into the rollups. Storing is synchronous; rolling up is
// coalesced in memory by a RollupWriter and flushed about once a second, with
// a ledger that makes the rollups exactly-once even across a crash (see the
// RollupLedger model).
//
// This module talks to the pg pool directly rather than through Prisma: it is
// the control plane's hot path, and Prisma's interactive transactions with
// large JSON parameters cost about three times as much per batch (measured
// with `npm run bench:analytics`).
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { AuditEvent } from "../core/audit/event";
import type { Db } from "../db/client";
import { RollupDelta, type RolledUpEvent } from "./rollups";

const RETRYABLE = new Set(["40P01", "40001"]);
const ATTEMPTS = 3;

/** Runs `work` in a transaction, retrying a deadlock or serialization failure (every caller is idempotent). */
async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      if (attempt >= ATTEMPTS || !RETRYABLE.has((error as { code?: string }).code ?? "")) throw error;
    } finally {
      client.release();
    }
  }
}

const INSERT_EVENTS = `
  INSERT INTO "AuditEvent" (id, time, "requestId", "dataPlaneId", "serverName", "consumerName", groups, "endUser", "upstreamIdentity",
                            method, "toolName", decision, reason, "httpStatus", "rpcErrorCode", "upstreamLatencyMs", "totalLatencyMs",
                            "bytesIn", "bytesOut", "tokenHash")
  SELECT id, time, request_id, $2, coalesce(server, ''), consumer, coalesce(groups, '{}'), end_user, upstream_identity,
         method, tool, decision::"AuditDecision", coalesce(reason, ''), status, jsonrpc_error, upstream_latency_ms, total_latency_ms,
         bytes_in, bytes_out, token_hash
    FROM jsonb_to_recordset($1::jsonb) AS e(
      id text, time timestamptz, request_id text, server text, consumer text, groups text[], end_user text,
      upstream_identity text, method text, tool text, decision text, reason text, status int, jsonrpc_error int,
      upstream_latency_ms float8, total_latency_ms float8, bytes_in int, bytes_out int, token_hash text)
  ON CONFLICT (id) DO NOTHING
  RETURNING id`;

// Element-wise sum of two histograms.
const mergeBuckets = (table: string) => `ARRAY(
  SELECT coalesce(old, 0) + coalesce(new, 0)
    FROM unnest("${table}"."latencyBuckets", EXCLUDED."latencyBuckets") WITH ORDINALITY AS b(old, new, i)
   ORDER BY i)`;

// Rows are sorted so that concurrent writers lock them in one order.
const UPSERT_ROLLUPS = `
  INSERT INTO "AuditRollup" (minute, "serverName", "consumerName", "toolName", decision, count, "errorCount", "latencySumMs", "latencyBuckets")
  SELECT minute, server, consumer, tool, decision::"AuditDecision", count, errors, latency_sum, buckets
    FROM jsonb_to_recordset($1::jsonb) AS r(
      minute timestamptz, server text, consumer text, tool text, decision text, count int, errors int, latency_sum float8, buckets int[])
   ORDER BY minute, server, consumer, tool, decision
  ON CONFLICT (minute, "serverName", "consumerName", "toolName", decision) DO UPDATE SET
    count = "AuditRollup".count + EXCLUDED.count,
    "errorCount" = "AuditRollup"."errorCount" + EXCLUDED."errorCount",
    "latencySumMs" = "AuditRollup"."latencySumMs" + EXCLUDED."latencySumMs",
    "latencyBuckets" = ${mergeBuckets("AuditRollup")}`;

const UPSERT_SERIES = `
  INSERT INTO "AuditSeries" (granularity, "bucketStart", scope, key, requests, denials, errors, "latencySumMs")
  SELECT granularity, bucket_start, scope, key, requests, denials, errors, latency_sum
    FROM jsonb_to_recordset($1::jsonb) AS r(
      granularity text, bucket_start timestamptz, scope text, key text, requests int, denials int, errors int, latency_sum float8)
   ORDER BY granularity, scope, key, bucket_start
  ON CONFLICT (granularity, scope, key, "bucketStart") DO UPDATE SET
    requests = "AuditSeries".requests + EXCLUDED.requests,
    denials = "AuditSeries".denials + EXCLUDED.denials,
    errors = "AuditSeries".errors + EXCLUDED.errors,
    "latencySumMs" = "AuditSeries"."latencySumMs" + EXCLUDED."latencySumMs"`;

const UPSERT_LATENCY = `
  INSERT INTO "AuditLatency" (granularity, "bucketStart", scope, key, "latencyBuckets")
  SELECT granularity, bucket_start, scope, key, buckets
    FROM jsonb_to_recordset($1::jsonb) AS r(granularity text, bucket_start timestamptz, scope text, key text, buckets int[])
   ORDER BY granularity, scope, key, bucket_start
  ON CONFLICT (granularity, scope, key, "bucketStart") DO UPDATE SET "latencyBuckets" = ${mergeBuckets("AuditLatency")}`;

const UPDATE_KEY_USE = `
  UPDATE "ApiKey" AS k SET "lastUsedAt" = GREATEST(coalesce(k."lastUsedAt", u.time), u.time)
    FROM jsonb_to_recordset($1::jsonb) AS u(id text, time timestamptz)
   WHERE k.id = u.id`;

async function writeDelta(client: pg.PoolClient, delta: RollupDelta, ledgerIds: string[]): Promise<void> {
  if (delta.rollups.size > 0) await client.query(UPSERT_ROLLUPS, [JSON.stringify([...delta.rollups.values()])]);
  if (delta.series.size > 0) await client.query(UPSERT_SERIES, [JSON.stringify([...delta.series.values()])]);
  if (delta.latency.size > 0) await client.query(UPSERT_LATENCY, [JSON.stringify([...delta.latency.values()])]);
  if (delta.keyUse.size > 0) {
    const uses = [...delta.keyUse].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, time]) => ({ id, time }));
    await client.query(UPDATE_KEY_USE, [JSON.stringify(uses)]);
  }
  await client.query(`DELETE FROM "RollupLedger" WHERE id = ANY($1::text[])`, [ledgerIds]);
}

/** Coalesces rollup deltas in memory; `flush()` writes them and clears their ledger rows in one transaction. */
export class RollupWriter {
  private delta = new RollupDelta();
  private ledgerIds: string[] = [];
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    /** Flush at once past this many pending rows, whatever the timer says. */
    private readonly maxPendingRows = 50_000,
  ) {}

  add(ledgerId: string, events: readonly RolledUpEvent[]): void {
    this.delta.add(events);
    this.ledgerIds.push(ledgerId);
    if (this.delta.size >= this.maxPendingRows) void this.flush().catch((error) => console.error("rollups: flush failed:", error));
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.ledgerIds.length === 0) return;
      const [delta, ledgerIds] = [this.delta, this.ledgerIds];
      this.delta = new RollupDelta();
      this.ledgerIds = [];
      try {
        await transaction(this.pool, (client) => writeDelta(client, delta, ledgerIds));
      } catch (error) {
        // The ledger rows stay, so recoverRollupLedger() rolls these events up later.
        console.error("rollups: flush failed; the events stay in the ledger for recovery:", (error as Error).message);
      }
    });
    return this.flushing;
  }
}

/** Stores a batch; returns what was new. Fresh events go to `writer` for the rollups. */
export async function ingestAuditEvents(pool: pg.Pool, writer: RollupWriter, events: readonly AuditEvent[], dataPlaneId: string | null): Promise<{ inserted: number; duplicates: number }> {
  if (events.length === 0) return { inserted: 0, duplicates: 0 };
  const ledgerId = randomUUID();
  const fresh = await transaction(pool, async (client) => {
    const inserted = await client.query<{ id: string }>(INSERT_EVENTS, [JSON.stringify(events), dataPlaneId]);
    const ids = inserted.rows.map((row) => row.id);
    if (ids.length > 0) await client.query(`INSERT INTO "RollupLedger" (id, "eventIds") VALUES ($1, $2)`, [ledgerId, ids]);
    return new Set(ids);
  });
  if (fresh.size > 0) writer.add(ledgerId, fresh.size === events.length ? events : events.filter((e) => fresh.has(e.id)));
  return { inserted: fresh.size, duplicates: events.length - fresh.size };
}

interface StoredEvent {
  time: Date;
  serverName: string;
  consumerName: string | null;
  toolName: string | null;
  decision: AuditEvent["decision"];
  totalLatencyMs: number;
}

/**
 * Rolls up the events of ledger rows older than `olderThanMs` (left by a
 * crashed or failed flush), each row once: rows are locked and deleted in the
 * same transaction that writes their rollups.
 */
export async function recoverRollupLedger(pool: pg.Pool, olderThanMs: number): Promise<number> {
  return transaction(pool, async (client) => {
    const ledger = await client.query<{ id: string; eventIds: string[] }>(
      `SELECT id, "eventIds" FROM "RollupLedger" WHERE "createdAt" < now() - make_interval(secs => $1) ORDER BY "createdAt" LIMIT 200 FOR UPDATE SKIP LOCKED`,
      [olderThanMs / 1000],
    );
    if (ledger.rows.length === 0) return 0;
    const stored = await client.query<StoredEvent>(
      `SELECT time, "serverName", "consumerName", "toolName", decision, "totalLatencyMs" FROM "AuditEvent" WHERE id = ANY($1::text[])`,
      [ledger.rows.flatMap((row) => row.eventIds)],
    );
    const delta = new RollupDelta();
    delta.add(
      stored.rows.map((e) => ({
        time: e.time.toISOString(),
        server: e.serverName,
        consumer: e.consumerName,
        tool: e.toolName,
        decision: e.decision,
        total_latency_ms: e.totalLatencyMs,
        // Not stored with the event; "last used" is only lost for the events of a crashed flush.
        key_id: null,
      })),
    );
    await writeDelta(client, delta, ledger.rows.map((row) => row.id));
    return stored.rows.length;
  });
}

// Per-minute series serve ranges up to 24 hours only.
const MINUTE_SERIES_KEPT_MS = 2 * 86_400_000;

/**
 * Deletes raw events older than the retention; rollups and series older than
 * three times it; per-minute series older than two days.
 */
export async function pruneAuditData(db: Db, retentionDays: number, now = new Date()): Promise<{ events: number; rollups: number }> {
  const eventsBefore = new Date(now.getTime() - retentionDays * 86_400_000);
  const rollupsBefore = new Date(now.getTime() - 3 * retentionDays * 86_400_000);
  const minutesBefore = new Date(now.getTime() - MINUTE_SERIES_KEPT_MS);
  const events = await db.auditEvent.deleteMany({ where: { time: { lt: eventsBefore } } });
  const rollups = await db.auditRollup.deleteMany({ where: { minute: { lt: rollupsBefore } } });
  const expired = { OR: [{ bucketStart: { lt: rollupsBefore } }, { granularity: "minute", bucketStart: { lt: minutesBefore } }] };
  await db.auditSeries.deleteMany({ where: expired });
  await db.auditLatency.deleteMany({ where: expired });
  return { events: events.count, rollups: rollups.count };
}
