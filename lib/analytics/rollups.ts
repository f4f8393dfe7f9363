// Pure aggregation of audit events into rollup deltas: the per-minute rollup
// of (server, consumer, tool, decision), and the dashboard series. A delta can
// absorb any number of batches before it is written, which is what keeps
// ingestion cheap: a second of traffic touches each rollup row once.
import type { AuditEvent } from "../audit/event";
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

export interface SeriesRow {
  granularity: "minute" | "hour";
  bucket_start: string;
  scope: SeriesScope;
  key: string;
  requests: number;
  denials: number;
  errors: number;
  latency_sum: number;
  /** Empty for the pair scopes, which count only. */
  buckets: number[];
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

const floorTo = (time: string, size: number) => new Date(Math.floor(Date.parse(time) / size) * size).toISOString();

export class RollupDelta {
  readonly rollups = new Map<string, RollupRow>();
  readonly series = new Map<string, SeriesRow>();
  /** API key id → latest use. */
  readonly keyUse = new Map<string, string>();

  get size(): number {
    return this.rollups.size + this.series.size;
  }

  add(events: readonly AuditEvent[]): void {
    for (const event of events) {
      this.addRollup(event);
      // Per minute and per hour, all traffic and each server, consumer and tool, with latency histograms;
      // per hour also the pairs that long-range breakdowns group by, counts only.
      for (const granularity of ["minute", "hour"] as const) {
        this.addSeries(event, granularity, "all", "");
        this.addSeries(event, granularity, "server", event.server);
        if (event.consumer) this.addSeries(event, granularity, "consumer", event.consumer);
        if (event.tool) this.addSeries(event, granularity, "tool", `${event.server}/${event.tool}`);
      }
      const consumer = event.consumer ?? "";
      const tool = `${event.server}/${event.tool ?? ""}`;
      this.addSeries(event, "hour", "server_consumer", `${event.server}|${consumer}`, false);
      this.addSeries(event, "hour", "consumer_tool", `${consumer}|${tool}`, false);
      this.addSeries(event, "hour", "tool_consumer", `${tool}|${consumer}`, false);
      if (event.key_id && (this.keyUse.get(event.key_id) ?? "") < event.time) this.keyUse.set(event.key_id, event.time);
    }
  }

  private addRollup(event: AuditEvent) {
    const minute = floorTo(event.time, MINUTE);
    const consumer = event.consumer ?? "";
    const tool = event.tool ?? "";
    const id = `${minute}\u0000${event.server}\u0000${consumer}\u0000${tool}\u0000${event.decision}`;
    let row = this.rollups.get(id);
    if (!row) {
      row = { minute, server: event.server, consumer, tool, decision: event.decision, count: 0, errors: 0, latency_sum: 0, buckets: emptyBuckets() };
      this.rollups.set(id, row);
    }
    row.count += 1;
    if (event.decision === "error") row.errors += 1;
    row.latency_sum += event.total_latency_ms;
    row.buckets[bucketIndex(event.total_latency_ms)]! += 1;
  }

  private addSeries(event: AuditEvent, granularity: SeriesRow["granularity"], scope: SeriesScope, key: string, latency = true) {
    const bucket_start = floorTo(event.time, granularity === "minute" ? MINUTE : HOUR);
    const id = `${granularity}\u0000${scope}\u0000${key}\u0000${bucket_start}`;
    let row = this.series.get(id);
    if (!row) {
      row = { granularity, bucket_start, scope, key, requests: 0, denials: 0, errors: 0, latency_sum: 0, buckets: latency ? emptyBuckets() : [] };
      this.series.set(id, row);
    }
    row.requests += 1;
    if (event.decision === "deny") row.denials += 1;
    if (event.decision === "error") row.errors += 1;
    row.latency_sum += event.total_latency_ms;
    if (latency) row.buckets[bucketIndex(event.total_latency_ms)]! += 1;
  }
}
