// Audit events from the data planes: stored once (idempotent by event id),
// then folded into the rollups. Storing is synchronous; rolling up is
// coalesced in memory by a RollupWriter and flushed about once a second, with
// a ledger that makes the rollups exactly-once even across a crash (see the
// RollupLedger model).
//
// Each stored event also joins its data plane's hash chain (lib/audit-chain/chain.ts):
// the batch locks the chain's head row first, so concurrent batches of one
// plane extend it one at a time and a re-sent event, already stored, is left
// out of the chain rather than linked twice.
//
// This module talks to the pg pool directly rather than through Prisma: it is
// the control plane's hot path, and Prisma's interactive transactions with
// large JSON parameters cost about three times as much per batch (measured
// with `npm run bench:analytics`).
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { CHECKPOINT_EVERY, extendChain, GENESIS_HASH, NO_DATA_PLANE_CHAIN, type ChainedEvent } from "../audit-chain/chain";
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
                            "bytesIn", "bytesOut", "tokenHash", "configVersion", "approvalId", "approvalKind", "approvedBy", "approvalWaitedMs",
                            "chainKey", "chainSeq", hash)
  SELECT id, time, request_id, $2, coalesce(server, ''), consumer, coalesce(groups, '{}'), end_user, upstream_identity,
         method, tool, decision::"AuditDecision", coalesce(reason, ''), status, jsonrpc_error, upstream_latency_ms, total_latency_ms,
         bytes_in, bytes_out, token_hash, config_version, approval->>'id', (approval->>'kind')::"ApprovalKind", approval->>'by',
         (approval->>'waited_ms')::int, $3, chain_seq, hash
    FROM jsonb_to_recordset($1::jsonb) AS e(
      id text, time timestamptz, request_id text, server text, consumer text, groups text[], end_user text,
      upstream_identity text, method text, tool text, decision text, reason text, status int, jsonrpc_error int,
      upstream_latency_ms float8, total_latency_ms float8, bytes_in bigint, bytes_out bigint, token_hash text, config_version int,
      approval jsonb, chain_seq bigint, hash text)
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
  INSERT INTO "AuditSeries" (granularity, "bucketStart", scope, key, requests, denials, throttled, errors, "latencySumMs")
  SELECT granularity, bucket_start, scope, key, requests, denials, throttled, errors, latency_sum
    FROM jsonb_to_recordset($1::jsonb) AS r(
      granularity text, bucket_start timestamptz, scope text, key text, requests int, denials int, throttled int, errors int, latency_sum float8)
   ORDER BY granularity, scope, key, bucket_start
  ON CONFLICT (granularity, scope, key, "bucketStart") DO UPDATE SET
    requests = "AuditSeries".requests + EXCLUDED.requests,
    denials = "AuditSeries".denials + EXCLUDED.denials,
    throttled = "AuditSeries".throttled + EXCLUDED.throttled,
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

async function writeDelta(client: pg.PoolClient, delta: RollupDelta): Promise<void> {
  if (delta.rollups.size > 0) await client.query(UPSERT_ROLLUPS, [JSON.stringify([...delta.rollups.values()])]);
  if (delta.series.size > 0) await client.query(UPSERT_SERIES, [JSON.stringify([...delta.series.values()])]);
  if (delta.latency.size > 0) await client.query(UPSERT_LATENCY, [JSON.stringify([...delta.latency.values()])]);
  if (delta.keyUse.size > 0) {
    const uses = [...delta.keyUse].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, time]) => ({ id, time }));
    await client.query(UPDATE_KEY_USE, [JSON.stringify(uses)]);
  }
}

interface StoredEvent {
  time: Date;
  serverName: string;
  consumerName: string | null;
  toolName: string | null;
  decision: AuditEvent["decision"];
  reason: string;
  totalLatencyMs: number;
}

/** The rollup delta of stored events, read back from the database (no API key: it is not stored with the event). */
async function storedEventsDelta(client: pg.PoolClient, eventIds: string[]): Promise<{ delta: RollupDelta; events: number }> {
  const stored = await client.query<StoredEvent>(
    `SELECT time, "serverName", "consumerName", "toolName", decision, reason, "totalLatencyMs" FROM "AuditEvent" WHERE id = ANY($1::text[])`,
    [eventIds],
  );
  const delta = new RollupDelta();
  delta.add(
    stored.rows.map((e) => ({
      time: e.time.toISOString(),
      server: e.serverName,
      consumer: e.consumerName,
      tool: e.toolName,
      decision: e.decision,
      reason: e.reason || null,
      total_latency_ms: e.totalLatencyMs,
      key_id: null,
    })),
  );
  return { delta, events: stored.rows.length };
}

// A flush claims its ledger rows before anything else: deleted (and so locked) by its transaction,
// they are skipped by recovery, and rows recovery holds or has already rolled up are not returned.
// Their event ids come back only when some row is missing, the one case that needs them.
const CLAIM_LEDGER = `
  WITH claimed AS (DELETE FROM "RollupLedger" WHERE id = ANY($1::text[]) RETURNING id, "eventIds")
  SELECT id, CASE WHEN (SELECT count(*) FROM claimed) < cardinality($1::text[]) THEN "eventIds" END AS "eventIds" FROM claimed`;

/**
 * Writes a live flush: the coalesced delta when every ledger row was still there to claim; else
 * (recovery took some, because the batch's transaction or the flush ran past recovery's age) only the claimed
 * rows' events, read back, so that each ledger row is rolled up exactly once whichever side won.
 */
async function writeClaimed(client: pg.PoolClient, delta: RollupDelta, ledgerIds: string[]): Promise<void> {
  const claimed = await client.query<{ id: string; eventIds: string[] | null }>(CLAIM_LEDGER, [ledgerIds]);
  if (claimed.rows.length === ledgerIds.length) return writeDelta(client, delta);
  const partial = await storedEventsDelta(
    client,
    claimed.rows.flatMap((row) => row.eventIds ?? []),
  );
  // "Last used" only ever moves forward, so every event's key use is kept, recovered ones' too.
  for (const [id, time] of delta.keyUse) partial.delta.keyUse.set(id, time);
  await writeDelta(client, partial.delta);
}

/**
 * Coalesces rollup deltas in memory; `flush()` claims their ledger rows and writes them in one
 * transaction (what recovery already rolled up is left out).
 */
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
        await transaction(this.pool, (client) => writeClaimed(client, delta, ledgerIds));
      } catch (error) {
        // The ledger rows stay, so recoverRollupLedger() rolls these events up later.
        console.error("rollups: flush failed; the events stay in the ledger for recovery:", (error as Error).message);
      }
    });
    return this.flushing;
  }
}

const LOCK_HEAD = `SELECT seq, hash FROM "AuditChainHead" WHERE "chainKey" = $1 FOR UPDATE`;

/** Locks the chain's head until the transaction ends, creating it at the genesis on a chain's first batch. */
async function lockChainHead(client: pg.PoolClient, chainKey: string): Promise<{ seq: number; hash: string }> {
  let head = await client.query<{ seq: string; hash: string }>(LOCK_HEAD, [chainKey]);
  if (head.rows.length === 0) {
    await client.query(`INSERT INTO "AuditChainHead" ("chainKey", seq, hash) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING`, [chainKey, GENESIS_HASH]);
    head = await client.query(LOCK_HEAD, [chainKey]);
  }
  const row = head.rows[0]!;
  return { seq: Number(row.seq), hash: row.hash };
}

/** Each id once, in batch order, leaving out those in `stored`. */
function firstOfEachId(events: readonly AuditEvent[], stored: Iterable<string> = []): AuditEvent[] {
  const seen = new Set(stored);
  return events.filter((e) => !seen.has(e.id) && seen.add(e.id));
}

async function storedIds(client: pg.PoolClient, events: readonly AuditEvent[]): Promise<string[]> {
  const stored = await client.query<{ id: string }>(`SELECT id FROM "AuditEvent" WHERE id = ANY($1::text[])`, [events.map((e) => e.id)]);
  return stored.rows.map((row) => row.id);
}

/** Thrown by the fast path when part of the batch was stored before (a re-sent batch): its positions are wrong. */
class AlreadyStored extends Error {}

// One statement for the events, the chain's new head and the ledger row, so chaining adds no
// round trip to a batch; when fewer events were stored than sent, the caller rolls it all back.
const INSERT_CHAINED = `
  WITH inserted AS (${INSERT_EVENTS}),
       head AS (UPDATE "AuditChainHead" SET seq = $4, hash = $5, "updatedAt" = now() WHERE "chainKey" = $3),
       ledger AS (INSERT INTO "RollupLedger" (id, "eventIds") SELECT $6, array_agg(id) FROM inserted)
  SELECT count(*)::int AS stored FROM inserted`;

async function storeChained(
  client: pg.PoolClient,
  chained: ChainedEvent[],
  batch: { dataPlaneId: string | null; chainKey: string; ledgerId: string },
  looked: boolean,
): Promise<void> {
  const rows = chained.map(({ event, time, seq, hash }) => ({ ...event, time, chain_seq: seq, hash }));
  const last = chained[chained.length - 1]!;
  const result = await client.query<{ stored: number }>(INSERT_CHAINED, [JSON.stringify(rows), batch.dataPlaneId, batch.chainKey, last.seq, last.hash, batch.ledgerId]);
  if (result.rows[0]!.stored !== chained.length) {
    // Having looked, only another chain's writer can have stored one of these ids since; start over.
    throw looked ? Object.assign(new Error("an event id was stored concurrently by another data plane"), { code: "40001" }) : new AlreadyStored();
  }
  const checkpoints = chained.filter((c) => c.seq % CHECKPOINT_EVERY === 0);
  if (checkpoints.length > 0) {
    await client.query(`INSERT INTO "AuditChainCheckpoint" ("chainKey", seq, hash, "eventId") SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[])`, [
      batch.chainKey,
      checkpoints.map((c) => c.seq),
      checkpoints.map((c) => c.hash),
      checkpoints.map((c) => c.event.id),
    ]);
  }
}

/**
 * Stores and chains the batch's new events under the chain head's lock.
 * Fast path (`look` false): assume every event is new and let the insert tell;
 * a re-sent batch throws AlreadyStored and is done again, looking first.
 */
async function storeBatch(client: pg.PoolClient, batch: { events: readonly AuditEvent[]; dataPlaneId: string | null; ledgerId: string }, look: boolean): Promise<ChainedEvent[]> {
  const chainKey = batch.dataPlaneId ?? NO_DATA_PLANE_CHAIN;
  const head = await lockChainHead(client, chainKey);
  const fresh = firstOfEachId(batch.events, look ? await storedIds(client, batch.events) : []);
  if (fresh.length === 0) return [];
  const chained = extendChain(chainKey, head, fresh);
  await storeChained(client, chained, { ...batch, chainKey }, look);
  return chained;
}

/** Told of each batch's newly stored events once their transaction has committed; must not block. */
export type StoredEventsListener = (chainKey: string, chained: readonly ChainedEvent[]) => void;

/** Stores a batch, chained; returns what was new. Fresh events go to `writer` for the rollups. */
export async function ingestAuditEvents(
  pool: pg.Pool,
  writer: RollupWriter,
  events: readonly AuditEvent[],
  dataPlaneId: string | null,
  onStored?: StoredEventsListener,
): Promise<{ inserted: number; duplicates: number }> {
  if (events.length === 0) return { inserted: 0, duplicates: 0 };
  const batch = { events, dataPlaneId, ledgerId: randomUUID() };
  const chained = await transaction(pool, (client) => storeBatch(client, batch, false)).catch((error: unknown) => {
    if (error instanceof AlreadyStored) return transaction(pool, (client) => storeBatch(client, batch, true));
    throw error;
  });
  if (chained.length > 0) {
    writer.add(
      batch.ledgerId,
      chained.map((c) => c.event),
    );
    onStored?.(dataPlaneId ?? NO_DATA_PLANE_CHAIN, chained);
  }
  return { inserted: chained.length, duplicates: events.length - chained.length };
}

/**
 * Rolls up the events of ledger rows older than `olderThanMs` (left by a
 * crashed or failed flush), each row once: rows are locked and deleted in the
 * same transaction that writes their rollups, and a row a live flush has
 * claimed is locked by it and skipped here (the age only spares recovery the
 * work of rows a live writer is about to flush; correctness does not rest on it).
 */
export async function recoverRollupLedger(pool: pg.Pool, olderThanMs: number): Promise<number> {
  return transaction(pool, async (client) => {
    const ledger = await client.query<{ id: string; eventIds: string[] }>(
      `SELECT id, "eventIds" FROM "RollupLedger" WHERE "createdAt" < now() - make_interval(secs => $1) ORDER BY "createdAt" LIMIT 200 FOR UPDATE SKIP LOCKED`,
      [olderThanMs / 1000],
    );
    if (ledger.rows.length === 0) return 0;
    // "Last used" is lost for these events unless a live flush of theirs still writes its key uses.
    const { delta, events } = await storedEventsDelta(
      client,
      ledger.rows.flatMap((row) => row.eventIds),
    );
    await writeDelta(client, delta);
    await client.query(`DELETE FROM "RollupLedger" WHERE id = ANY($1::text[])`, [ledger.rows.map((row) => row.id)]);
    return events;
  });
}

// Per-minute series serve ranges up to 24 hours only.
const MINUTE_SERIES_KEPT_MS = 2 * 86_400_000;

// Event times more than this far ahead of the pruning clock are a data plane's wrong clock: such an
// event holds back its chain's pruning only until an event with a plausible time follows it.
const FUTURE_TIME_SLACK_MS = 86_400_000;

// One statement per chain, so the deletion and the record of it are one. A chain is in arrival
// order but an event's time is its request's start: a long SSE stream or a held approval sits
// among newer events. Pruning by time alone would cut holes the verifier must call deletions, so
// only the positions below the chain's first event still inside the retention go (the chain's
// stored part stays one contiguous stretch), and the newest pruned position and its hash are
// recorded in AuditChainPruned for the verifier to start from. Each min() is an index walk up
// the chain that stops at the first event kept.
const PRUNE_CHAIN = `
  WITH keep AS (
         SELECT coalesce(
                  (SELECT min("chainSeq") FROM "AuditEvent" WHERE "chainKey" = $1 AND time >= $2 AND time <= $3),
                  (SELECT min("chainSeq") FROM "AuditEvent" WHERE "chainKey" = $1 AND time > $3)
                ) AS seq
       ),
       gone AS (
         DELETE FROM "AuditEvent" WHERE "chainKey" = $1 AND "chainSeq" < coalesce((SELECT seq FROM keep), 9223372036854775807)
         RETURNING "chainSeq", hash
       ),
       newest AS (SELECT "chainSeq", hash FROM gone ORDER BY "chainSeq" DESC LIMIT 1),
       mark AS (
         INSERT INTO "AuditChainPruned" ("chainKey", seq, hash) SELECT $1, "chainSeq", hash FROM newest
         ON CONFLICT ("chainKey") DO UPDATE SET seq = excluded.seq, hash = excluded.hash, "prunedAt" = now()
          WHERE "AuditChainPruned".seq < excluded.seq
       )
  SELECT count(*)::int AS count FROM gone`;

/**
 * Deletes raw events older than the retention; rollups and series older than
 * three times it; per-minute series older than two days. Chained events go
 * per chain, from its oldest position up to the first event still inside the
 * retention: an old-timed event that arrived among newer ones (a long request)
 * stays until they are pruned too, at most its request's duration longer.
 */
export async function pruneAuditData(db: Db, retentionDays: number, now = new Date()): Promise<{ events: number; rollups: number }> {
  const eventsBefore = new Date(now.getTime() - retentionDays * 86_400_000);
  const rollupsBefore = new Date(now.getTime() - 3 * retentionDays * 86_400_000);
  const minutesBefore = new Date(now.getTime() - MINUTE_SERIES_KEPT_MS);
  const future = new Date(now.getTime() + FUTURE_TIME_SLACK_MS);
  let events = (await db.auditEvent.deleteMany({ where: { chainKey: null, time: { lt: eventsBefore } } })).count;
  for (const { chainKey } of await db.auditChainHead.findMany({ select: { chainKey: true } })) {
    const pruned = await db.$queryRawUnsafe<{ count: number }[]>(PRUNE_CHAIN, chainKey, eventsBefore, future);
    events += pruned[0]?.count ?? 0;
  }
  const rollups = await db.auditRollup.deleteMany({ where: { minute: { lt: rollupsBefore } } });
  const expired = { OR: [{ bucketStart: { lt: rollupsBefore } }, { granularity: "minute", bucketStart: { lt: minutesBefore } }] };
  await db.auditSeries.deleteMany({ where: expired });
  await db.auditLatency.deleteMany({ where: expired });
  return { events, rollups: rollups.count };
}
