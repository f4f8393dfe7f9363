// Pure aggregation of audit events into rollup deltas: the per-minute rollup
// of (server, consumer, tool, decision), and the dashboard series. A delta can
// absorb any number of batches before it is written, which is what keeps
// ingestion cheap: a second of traffic touches each rollup row once.
import type { AuditEvent } from "../core/audit/event";
import { bucketIndex, emptyBuckets } from "./latency-buckets";

export interface RollupRow {
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
export type Granularity = "minute" | "hour" | "day";

export const GRANULARITY_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export interface SeriesRow {
  granularity: Granularity;
  bucket_start: string;
  scope: SeriesScope;
  key: string;
  requests: number;
  denials: number;
  /** Denials by a rate limit (reason rate_limited), a part of `denials`. */
  throttled: number;
  errors: number;
  latency_sum: number;
}

export interface LatencyRow {
  granularity: Granularity;
  bucket_start: string;
  scope: SeriesScope;
  key: string;
  buckets: number[];
}

const floorTo = (time: string, size: number) => new Date(Math.floor(Date.parse(time) / size) * size).toISOString();

/** What a rollup needs of an event. */
export type RolledUpEvent = Pick<AuditEvent, "time" | "server" | "consumer" | "tool" | "decision" | "reason" | "total_latency_ms" | "key_id">;

export class RollupDelta {
  readonly rollups = new Map<string, RollupRow>();
  readonly series = new Map<string, SeriesRow>();
  readonly latency = new Map<string, LatencyRow>();
  /** API key id → latest use. */
  readonly keyUse = new Map<string, string>();

  get size(): number {
    return this.rollups.size + this.series.size + this.latency.size;
  }

  add(events: readonly RolledUpEvent[]): void {
    for (const event of events) {
      const server = event.server ?? "";
      const consumer = event.consumer ?? "";
      const tool = `${server}/${event.tool ?? ""}`;
      this.addRollup(event, server);
      for (const granularity of ["minute", "hour", "day"] as const) {
        // Latency histograms where a time series is drawn (per minute and per hour).
        const latency = granularity !== "day";
        this.addSeries(event, granularity, "all", "", latency);
        this.addSeries(event, granularity, "server", server, latency);
        if (event.consumer) this.addSeries(event, granularity, "consumer", consumer, latency);
        if (event.tool) this.addSeries(event, granularity, "tool", tool, latency);
        // The pairs long-range breakdowns group by: counts only, per hour and per day.
        if (granularity === "minute") continue;
        this.addSeries(event, granularity, "server_consumer", `${server}|${consumer}`, false);
        this.addSeries(event, granularity, "consumer_tool", `${consumer}|${tool}`, false);
        this.addSeries(event, granularity, "tool_consumer", `${tool}|${consumer}`, false);
      }
      if (event.key_id && (this.keyUse.get(event.key_id) ?? "") < event.time) this.keyUse.set(event.key_id, event.time);
    }
  }

  private addRollup(event: RolledUpEvent, server: string) {
    const minute = floorTo(event.time, GRANULARITY_MS.minute);
    const consumer = event.consumer ?? "";
    const tool = event.tool ?? "";
    const id = `${minute}\u0000${server}\u0000${consumer}\u0000${tool}\u0000${event.decision}`;
    let row = this.rollups.get(id);
    if (!row) {
      row = { minute, server, consumer, tool, decision: event.decision, count: 0, errors: 0, latency_sum: 0, buckets: emptyBuckets() };
      this.rollups.set(id, row);
    }
    row.count += 1;
    if (event.decision === "error") row.errors += 1;
    row.latency_sum += event.total_latency_ms;
    row.buckets[bucketIndex(event.total_latency_ms)]! += 1;
  }

  private addSeries(event: RolledUpEvent, granularity: Granularity, scope: SeriesScope, key: string, latency: boolean) {
    const bucket_start = floorTo(event.time, GRANULARITY_MS[granularity]);
    const id = `${granularity}\u0000${scope}\u0000${key}\u0000${bucket_start}`;
    let row = this.series.get(id);
    if (!row) {
      row = { granularity, bucket_start, scope, key, requests: 0, denials: 0, throttled: 0, errors: 0, latency_sum: 0 };
      this.series.set(id, row);
    }
    row.requests += 1;
    if (event.decision === "deny") row.denials += 1;
    if (event.decision === "deny" && event.reason === "rate_limited") row.throttled += 1;
    if (event.decision === "error") row.errors += 1;
    row.latency_sum += event.total_latency_ms;
    if (!latency) return;
    let histogram = this.latency.get(id);
    if (!histogram) {
      histogram = { granularity, bucket_start, scope, key, buckets: emptyBuckets() };
      this.latency.set(id, histogram);
    }
    histogram.buckets[bucketIndex(event.total_latency_ms)]! += 1;
  }
}
