// Stores a batch of audit events from a data plane and folds the ones not
// seen before into the per-minute rollups, in one transaction. Idempotent by
// event id: a batch sent again after a lost response changes nothing.
import type { AuditEvent } from "../audit/event";
import type { Db } from "../db/client";
import { bucketIndex, emptyBuckets } from "./latency-buckets";

interface RollupRow {
  minute: string;
  server: string;
  consumer: string;
  tool: string;
  decision: AuditEvent["decision"];
  count: number;
  errors: number;
  latency_sum: number;
  buckets: number[];
}

export type SeriesScope = "all" | "server" | "consumer" | "tool" | "server_consumer" | "consumer_tool" | "tool_consumer";

interface SeriesRow {
  granularity: "minute" | "hour";
  bucket_start: string;
  scope: SeriesScope;
  key: string;
  requests: number;
  denials: number;
  errors: number;
  latency_sum: number;
  buckets: number[];
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * Per minute and per hour, one row for all traffic and one per server, per
 * consumer and per tool (with latency histograms); per hour also the pairs the
 * long-range breakdowns group by (counts only): "server|consumer",
 * "consumer|server/tool" and "server/tool|consumer".
 */
export function seriesOf(events: readonly AuditEvent[]): SeriesRow[] {
  const rows = new Map<string, SeriesRow>();
  const add = (event: AuditEvent, granularity: SeriesRow["granularity"], scope: SeriesScope, key: string, latency = true) => {
    const size = granularity === "minute" ? MINUTE : HOUR;
    const bucket_start = new Date(Math.floor(Date.parse(event.time) / size) * size).toISOString();
    const id = `${granularity}|${scope}|${key}|${bucket_start}`;
    let row = rows.get(id);
    if (!row) {
      row = { granularity, bucket_start, scope, key, requests: 0, denials: 0, errors: 0, latency_sum: 0, buckets: latency ? emptyBuckets() : [] };
      rows.set(id, row);
    }
    row.requests += 1;
    if (event.decision === "deny") row.denials += 1;
    if (event.decision === "error") row.errors += 1;
    row.latency_sum += event.total_latency_ms;
    if (latency) row.buckets[bucketIndex(event.total_latency_ms)]! += 1;
  };
  for (const event of events) {
    for (const granularity of ["minute", "hour"] as const) {
      add(event, granularity, "all", "");
      add(event, granularity, "server", event.server);
      if (event.consumer) add(event, granularity, "consumer", event.consumer);
      if (event.tool) add(event, granularity, "tool", `${event.server}/${event.tool}`);
    }
    const consumer = event.consumer ?? "";
    const tool = `${event.server}/${event.tool ?? ""}`;
    add(event, "hour", "server_consumer", `${event.server}|${consumer}`, false);
    add(event, "hour", "consumer_tool", `${consumer}|${tool}`, false);
    add(event, "hour", "tool_consumer", `${tool}|${consumer}`, false);
  }
  return [...rows.values()];
}

export function rollupsOf(events: readonly AuditEvent[]): RollupRow[] {
  const rows = new Map<string, RollupRow>();
  for (const event of events) {
    const minute = new Date(Math.floor(Date.parse(event.time) / 60_000) * 60_000).toISOString();
    const consumer = event.consumer ?? "";
    const tool = event.tool ?? "";
    const key = JSON.stringify([minute, event.server, consumer, tool, event.decision]);
    let row = rows.get(key);
    if (!row) {
      row = { minute, server: event.server, consumer, tool, decision: event.decision, count: 0, errors: 0, latency_sum: 0, buckets: emptyBuckets() };
      rows.set(key, row);
    }
    row.count += 1;
    if (event.decision === "error") row.errors += 1;
    row.latency_sum += event.total_latency_ms;
    row.buckets[bucketIndex(event.total_latency_ms)]! += 1;
  }
  return [...rows.values()];
}

export async function ingestAuditEvents(db: Db, events: readonly AuditEvent[], dataPlaneId: string | null): Promise<{ inserted: number; duplicates: number }> {
  if (events.length === 0) return { inserted: 0, duplicates: 0 };
  const records = events.map((e) => ({ ...e, data_plane_id: dataPlaneId }));
  return db.$transaction(async (tx) => {
    const inserted = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO "AuditEvent" (id, time, "requestId", "dataPlaneId", "serverName", "consumerName", groups, "endUser", "upstreamIdentity",
                                method, "toolName", decision, reason, "httpStatus", "rpcErrorCode", "upstreamLatencyMs", "totalLatencyMs",
                                "bytesIn", "bytesOut", "tokenHash")
      SELECT id, time, request_id, data_plane_id, server, consumer, coalesce(groups, '{}'), end_user, upstream_identity,
             method, tool, decision::"AuditDecision", reason, http_status, rpc_error_code, upstream_latency_ms, total_latency_ms,
             bytes_in, bytes_out, token_hash
        FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS e(
          id text, time timestamptz, request_id text, data_plane_id text, server text, consumer text, groups text[], end_user text,
          upstream_identity text, method text, tool text, decision text, reason text, http_status int, rpc_error_code int,
          upstream_latency_ms float8, total_latency_ms float8, bytes_in int, bytes_out int, token_hash text)
      ON CONFLICT (id) DO NOTHING
      RETURNING id`;
    const fresh = new Set(inserted.map((row) => row.id));
    const freshEvents = events.filter((e) => fresh.has(e.id));
    const rollups = rollupsOf(freshEvents);
    if (rollups.length > 0) {
      await tx.$executeRaw`
        INSERT INTO "AuditRollup" (minute, "serverName", "consumerName", "toolName", decision, count, "errorCount", "latencySumMs", "latencyBuckets")
        SELECT minute, server, consumer, tool, decision::"AuditDecision", count, errors, latency_sum, buckets
          FROM jsonb_to_recordset(${JSON.stringify(rollups)}::jsonb) AS r(
            minute timestamptz, server text, consumer text, tool text, decision text, count int, errors int, latency_sum float8, buckets int[])
        ON CONFLICT (minute, "serverName", "consumerName", "toolName", decision) DO UPDATE SET
          count = "AuditRollup".count + EXCLUDED.count,
          "errorCount" = "AuditRollup"."errorCount" + EXCLUDED."errorCount",
          "latencySumMs" = "AuditRollup"."latencySumMs" + EXCLUDED."latencySumMs",
          "latencyBuckets" = ARRAY(
            SELECT coalesce(old, 0) + coalesce(new, 0)
              FROM unnest("AuditRollup"."latencyBuckets", EXCLUDED."latencyBuckets") WITH ORDINALITY AS b(old, new, i)
             ORDER BY i)`;
      await tx.$executeRaw`
        INSERT INTO "AuditSeries" (granularity, "bucketStart", scope, key, requests, denials, errors, "latencySumMs", "latencyBuckets")
        SELECT granularity, bucket_start, scope, key, requests, denials, errors, latency_sum, buckets
          FROM jsonb_to_recordset(${JSON.stringify(seriesOf(freshEvents))}::jsonb) AS r(
            granularity text, bucket_start timestamptz, scope text, key text, requests int, denials int, errors int, latency_sum float8, buckets int[])
        ON CONFLICT (granularity, scope, key, "bucketStart") DO UPDATE SET
          requests = "AuditSeries".requests + EXCLUDED.requests,
          denials = "AuditSeries".denials + EXCLUDED.denials,
          errors = "AuditSeries".errors + EXCLUDED.errors,
          "latencySumMs" = "AuditSeries"."latencySumMs" + EXCLUDED."latencySumMs",
          "latencyBuckets" = ARRAY(
            SELECT coalesce(old, 0) + coalesce(new, 0)
              FROM unnest("AuditSeries"."latencyBuckets", EXCLUDED."latencyBuckets") WITH ORDINALITY AS b(old, new, i)
             ORDER BY i)`;
    }
    const lastUse = new Map<string, string>();
    for (const e of freshEvents) if (e.key_id && (lastUse.get(e.key_id) ?? "") < e.time) lastUse.set(e.key_id, e.time);
    if (lastUse.size > 0) {
      const uses = [...lastUse].map(([id, time]) => ({ id, time }));
      await tx.$executeRaw`
        UPDATE "ApiKey" AS k SET "lastUsedAt" = GREATEST(coalesce(k."lastUsedAt", u.time), u.time)
          FROM jsonb_to_recordset(${JSON.stringify(uses)}::jsonb) AS u(id text, time timestamptz)
         WHERE k.id = u.id`;
    }
    return { inserted: fresh.size, duplicates: events.length - fresh.size };
  });
}

/** Deletes raw events older than the retention, and rollups and series older than three times it. */
export async function pruneAuditData(db: Db, retentionDays: number, now = new Date()): Promise<{ events: number; rollups: number }> {
  const eventsBefore = new Date(now.getTime() - retentionDays * 86_400_000);
  const rollupsBefore = new Date(now.getTime() - 3 * retentionDays * 86_400_000);
  const events = await db.auditEvent.deleteMany({ where: { time: { lt: eventsBefore } } });
  const rollups = await db.auditRollup.deleteMany({ where: { minute: { lt: rollupsBefore } } });
  await db.auditSeries.deleteMany({ where: { bucketStart: { lt: rollupsBefore } } });
  return { events: events.count, rollups: rollups.count };
}
