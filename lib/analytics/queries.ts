// Dashboard queries. They read the series and rollups, never the raw events
// (the audit explorer is the one reader of raw events), and each reads at most
// a few thousand narrow rows whatever the range and the traffic: time series
// for one key use per-minute or per-hour rows, and sums over many keys cover
// the range with the coarsest rows that fit (whole days, then hours, then
// minutes at the edges).
import { Prisma } from "../generated/prisma/client";
import type { Db } from "../db/client";
import { BUCKET_COUNT, quantileFromBuckets } from "./latency-buckets";
import { GRANULARITY_MS, type Granularity } from "./rollups";

export const RANGES = {
  "1h": { label: "Last hour", spanMs: 3_600_000, granularity: "minute", pointMs: 60_000 },
  "24h": { label: "Last 24 hours", spanMs: 86_400_000, granularity: "minute", pointMs: 15 * 60_000 },
  "7d": { label: "Last 7 days", spanMs: 7 * 86_400_000, granularity: "hour", pointMs: 3_600_000 },
  "30d": { label: "Last 30 days", spanMs: 30 * 86_400_000, granularity: "hour", pointMs: 6 * 3_600_000 },
} as const;

export type RangeKey = keyof typeof RANGES;
export type Scope = "all" | "server" | "consumer" | "tool";

export function parseRange(value: string | undefined | null): RangeKey {
  return value && value in RANGES ? (value as RangeKey) : "24h";
}

export interface SeriesPoint {
  t: string;
  requests: number;
  denials: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface Totals {
  requests: number;
  denials: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * Where a view that starts at `since` begins: the start of the stored bucket holding it, so a consumer's
 * first calls show at once; that bucket may also count a deleted namesake's calls of the same minute (hour).
 */
function fromBucketOf(since: Date | undefined, from: Date, bucketMs: number): Date {
  if (!since) return from;
  const start = new Date(Math.floor(since.getTime() / bucketMs) * bucketMs);
  return start > from ? start : from;
}

function window(range: RangeKey, now: number) {
  const r = RANGES[range];
  // Align to the point size so consecutive loads show the same buckets.
  const to = Math.ceil(now / r.pointMs) * r.pointMs;
  return { from: new Date(to - r.spanMs), to: new Date(to), ...r };
}

export interface Segment {
  granularity: Granularity;
  from: number;
  to: number;
}

/** [from, to) as whole days, then whole hours, then minutes at the edges. */
export function segments(from: number, to: number, levels: Granularity[] = ["day", "hour", "minute"]): Segment[] {
  if (from >= to) return [];
  const [granularity, ...finer] = levels as [Granularity, ...Granularity[]];
  if (finer.length === 0) return [{ granularity, from, to }];
  const size = GRANULARITY_MS[granularity];
  const start = Math.ceil(from / size) * size;
  const end = Math.floor(to / size) * size;
  if (start >= end) return segments(from, to, finer);
  return [...segments(from, start, finer), { granularity, from: start, to: end }, ...segments(end, to, finer)];
}

function coveredBy(parts: Segment[]): Prisma.Sql {
  const ranges = parts.map((s) => Prisma.sql`(granularity = ${s.granularity} AND "bucketStart" >= ${new Date(s.from)} AND "bucketStart" < ${new Date(s.to)})`);
  return Prisma.sql`(${Prisma.join(ranges, " OR ")})`;
}

const quantiles = (buckets: number[]) => ({
  p50: quantileFromBuckets(buckets, 0.5),
  p95: quantileFromBuckets(buckets, 0.95),
  p99: quantileFromBuckets(buckets, 0.99),
});

/**
 * Requests, denials, errors and latency percentiles over time for one scope ("all" with key ""); with `since`,
 * only from the bucket holding it on (a consumer's traffic from when it took its name).
 */
export async function timeSeries(db: Db, range: RangeKey, scope: Scope, key: string, now = Date.now(), since?: Date): Promise<{ points: SeriesPoint[]; totals: Totals }> {
  const w = window(range, now);
  const from = fromBucketOf(since, w.from, GRANULARITY_MS[w.granularity]);
  const interval = `${w.pointMs / 1000} seconds`;
  const origin = new Date(0);
  const [counts, histograms] = await Promise.all([
    db.$queryRaw<{ t: Date; requests: bigint; denials: bigint; errors: bigint }[]>`
      SELECT date_bin(${interval}::interval, "bucketStart", ${origin}) AS t, sum(requests) AS requests, sum(denials) AS denials, sum(errors) AS errors
        FROM "AuditSeries"
       WHERE granularity = ${w.granularity} AND scope = ${scope} AND key = ${key} AND "bucketStart" >= ${from} AND "bucketStart" < ${w.to}
       GROUP BY 1`,
    db.$queryRaw<{ t: Date; i: bigint; n: bigint }[]>`
      SELECT date_bin(${interval}::interval, "bucketStart", ${origin}) AS t, b.i, sum(b.n) AS n
        FROM "AuditLatency", unnest("latencyBuckets") WITH ORDINALITY AS b(n, i)
       WHERE granularity = ${w.granularity} AND scope = ${scope} AND key = ${key} AND "bucketStart" >= ${from} AND "bucketStart" < ${w.to} AND b.n > 0
       GROUP BY 1, 2`,
  ]);
  const byTime = new Map(counts.map((c) => [c.t.getTime(), c]));
  const histogramAt = new Map<number, number[]>();
  const overall = new Array<number>(BUCKET_COUNT).fill(0);
  for (const row of histograms) {
    const t = row.t.getTime();
    const buckets = histogramAt.get(t) ?? new Array<number>(BUCKET_COUNT).fill(0);
    buckets[Number(row.i) - 1] = Number(row.n);
    overall[Number(row.i) - 1]! += Number(row.n);
    histogramAt.set(t, buckets);
  }
  const points: SeriesPoint[] = [];
  const totals = { requests: 0, denials: 0, errors: 0 };
  for (let t = w.from.getTime(); t < w.to.getTime(); t += w.pointMs) {
    const c = byTime.get(t);
    const point = { requests: Number(c?.requests ?? 0), denials: Number(c?.denials ?? 0), errors: Number(c?.errors ?? 0) };
    totals.requests += point.requests;
    totals.denials += point.denials;
    totals.errors += point.errors;
    const buckets = histogramAt.get(t);
    points.push({ t: new Date(t).toISOString(), ...point, ...(buckets ? quantiles(buckets) : { p50: null, p95: null, p99: null }) });
  }
  return { points, totals: { ...totals, ...quantiles(overall) } };
}

export interface TopRow {
  key: string;
  requests: number;
  denials: number;
  /** Denials by a rate limit. */
  throttled: number;
  errors: number;
}

const TOP_ORDER = { requests: Prisma.sql`sum(requests)`, denials: Prisma.sql`sum(denials)`, throttled: Prisma.sql`sum(throttled)` };

/** The busiest (or most denied, or most throttled) keys of a scope over the range. */
export async function topKeys(db: Db, range: RangeKey, scope: Exclude<Scope, "all">, by: keyof typeof TOP_ORDER, limit = 10, now = Date.now()): Promise<TopRow[]> {
  const w = window(range, now);
  const order = TOP_ORDER[by];
  const rows = await db.$queryRaw<{ key: string; requests: bigint; denials: bigint; throttled: bigint; errors: bigint }[]>`
    SELECT key, sum(requests) AS requests, sum(denials) AS denials, sum(throttled) AS throttled, sum(errors) AS errors
      FROM "AuditSeries"
     WHERE scope = ${scope} AND ${coveredBy(segments(w.from.getTime(), w.to.getTime()))}
     GROUP BY key
    HAVING ${order} > 0
     ORDER BY ${order} DESC, key
     LIMIT ${limit}`;
  return rows.map((r) => ({ key: r.key, requests: Number(r.requests), denials: Number(r.denials), throttled: Number(r.throttled), errors: Number(r.errors) }));
}

export interface BreakdownRow {
  server: string;
  consumer: string;
  tool: string;
  requests: number;
  denials: number;
  errors: number;
}

/**
 * Traffic grouped by server, consumer and tool, filtered to one consumer, one
 * server or one tool. Short ranges read the per-minute rollups (exact); long
 * ones the hourly and daily pair series, whose key starts with the filtered name. With `since`, only from
 * the minute (the hour) holding it on.
 */
export async function breakdown(
  db: Db,
  range: RangeKey,
  filter: { consumer: string } | { server: string; tool?: string },
  now = Date.now(),
  since?: Date,
): Promise<BreakdownRow[]> {
  const whole = window(range, now);
  // The long ranges read whole hours at the finest (segments below).
  const w = { ...whole, from: fromBucketOf(since, whole.from, GRANULARITY_MS[whole.granularity === "minute" ? "minute" : "hour"]) };
  if (w.from >= w.to) return [];
  if (w.granularity === "minute") return breakdownFromRollups(db, w, filter);
  const [scope, prefix] =
    "consumer" in filter
      ? ["consumer_tool", `${filter.consumer}|`]
      : filter.tool !== undefined
        ? ["tool_consumer", `${filter.server}/${filter.tool}|`]
        : ["server_consumer", `${filter.server}|`];
  // A key range rather than LIKE, so the primary key's btree serves it under any collation.
  const end = prefix.slice(0, -1) + String.fromCharCode("|".charCodeAt(0) + 1);
  const rows = await db.$queryRaw<{ key: string; requests: bigint; denials: bigint; errors: bigint }[]>`
    SELECT key, sum(requests) AS requests, sum(denials) AS denials, sum(errors) AS errors
      FROM "AuditSeries"
     WHERE scope = ${scope} AND key >= ${prefix} AND key < ${end} AND ${coveredBy(segments(w.from.getTime(), w.to.getTime(), ["day", "hour"]))}
     GROUP BY key
     ORDER BY sum(requests) DESC
     LIMIT 200`;
  return rows.map((r) => {
    const rest = r.key.slice(prefix.length);
    const counts = { requests: Number(r.requests), denials: Number(r.denials), errors: Number(r.errors) };
    if ("consumer" in filter) {
      const cut = rest.indexOf("/");
      return { server: rest.slice(0, cut), consumer: filter.consumer, tool: rest.slice(cut + 1), ...counts };
    }
    return { server: filter.server, consumer: rest, tool: filter.tool ?? "", ...counts };
  });
}

async function breakdownFromRollups(db: Db, w: { from: Date; to: Date }, filter: { consumer: string } | { server: string; tool?: string }): Promise<BreakdownRow[]> {
  const where =
    "consumer" in filter
      ? Prisma.sql`"consumerName" = ${filter.consumer}`
      : filter.tool !== undefined
        ? Prisma.sql`"toolName" = ${filter.tool} AND "serverName" = ${filter.server}`
        : Prisma.sql`"serverName" = ${filter.server}`;
  const rows = await db.$queryRaw<{ server: string; consumer: string; tool: string; requests: bigint; denials: bigint; errors: bigint }[]>`
    SELECT "serverName" AS server, "consumerName" AS consumer, "toolName" AS tool,
           sum(count) AS requests, sum(count) FILTER (WHERE decision = 'deny') AS denials, sum("errorCount") AS errors
      FROM "AuditRollup"
     WHERE ${where} AND minute >= ${w.from} AND minute < ${w.to}
     GROUP BY 1, 2, 3
     ORDER BY sum(count) DESC
     LIMIT 200`;
  return rows.map((r) => ({ server: r.server, consumer: r.consumer, tool: r.tool, requests: Number(r.requests), denials: Number(r.denials ?? 0), errors: Number(r.errors) }));
}
