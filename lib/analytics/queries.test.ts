import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import type { AuditEvent } from "../core/audit/event";
import type pg from "pg";
import { createDb, createPool, type Db } from "../db/client";
import { ingestAuditEvents, RollupWriter } from "./ingest";
import { breakdown, segments, timeSeries, topKeys } from "./queries";

let database: TestDatabase;
let pool: pg.Pool;
let db: Db;
const now = Date.parse("2026-11-26T12:00:00Z");
const events: AuditEvent[] = [];

function event(i: number): AuditEvent {
  const consumer = ["alice", "bob", "carol"][i % 3]!;
  const tool = i % 5 === 0 ? "push_files" : "search_repositories";
  const decision = tool === "push_files" && consumer !== "alice" ? "deny" : i % 37 === 0 ? "error" : "allow";
  // Half of the denials are a rate limit's.
  const throttled = decision === "deny" && i % 2 === 0;
  return {
    id: randomUUID(),
    time: new Date(now - 1 - ((i * 7919) % (23 * 3_600_000))).toISOString(),
    request_id: randomUUID(),
    http_method: "POST",
    path: "/mcp",
    session: false,
    server: i % 4 === 0 ? "konnect" : "github",
    consumer,
    groups: [],
    key_id: null,
    end_user: null,
    upstream_identity: null,
    method: "tools/call",
    tool,
    decision,
    reason: throttled ? "rate_limited" : decision === "deny" ? "tool_denied" : "",
    status: decision === "error" ? 502 : throttled ? 429 : 200,
    jsonrpc_error: decision === "deny" ? -32602 : null,
    upstream_latency_ms: null,
    total_latency_ms: 0.2 + ((i * 104729) % 5000) / 10,
    bytes_in: 0,
    bytes_out: 0,
    token_hash: null,
    config_version: null,
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  db = createDb(pool);
  for (let i = 0; i < 3000; i++) events.push(event(i));
  const writer = new RollupWriter(pool);
  for (let i = 0; i < events.length; i += 500) await ingestAuditEvents(pool, writer, events.slice(i, i + 500), null);
  await writer.flush();
});
afterAll(async () => {
  await db.$disconnect();
  await pool.end();
  await database.drop();
});

function exactQuantile(values: number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(q * sorted.length) - 1]!;
}

describe("covering a range with series rows", () => {
  it("uses whole days, then hours, then minutes at the edges, without gaps or overlaps", () => {
    const from = Date.parse("2026-11-01T22:37:00Z");
    const to = Date.parse("2026-11-04T01:05:00Z");
    const parts = segments(from, to);
    expect(parts.map((p) => [p.granularity, new Date(p.from).toISOString().slice(5, 16), new Date(p.to).toISOString().slice(5, 16)])).toEqual([
      ["minute", "11-01T22:37", "11-01T23:00"],
      ["hour", "11-01T23:00", "11-02T00:00"],
      ["day", "11-02T00:00", "11-04T00:00"],
      ["hour", "11-04T00:00", "11-04T01:00"],
      ["minute", "11-04T01:00", "11-04T01:05"],
    ]);
    for (let i = 1; i < parts.length; i++) expect(parts[i]!.from).toBe(parts[i - 1]!.to);
    expect(segments(from, from + 5 * 60_000)).toEqual([{ granularity: "minute", from, to: from + 5 * 60_000 }]);
  });
});

describe("dashboard queries", () => {
  it("counts requests, denials and errors over the range, point by point", async () => {
    const { points, totals } = await timeSeries(db, "24h", "all", "", now);
    expect(points).toHaveLength(96);
    expect(totals.requests).toBe(3000);
    expect(totals.denials).toBe(events.filter((e) => e.decision === "deny").length);
    expect(totals.errors).toBe(events.filter((e) => e.decision === "error").length);
    expect(points.reduce((sum, p) => sum + p.requests, 0)).toBe(3000);
  });

  it("computes p50/p95/p99 from the rollups within one bucket of the raw events' exact values", async () => {
    for (const [scope, key, filter] of [
      ["all", "", () => true],
      ["consumer", "bob", (e: AuditEvent) => e.consumer === "bob"],
      ["tool", "github/push_files", (e: AuditEvent) => e.server === "github" && e.tool === "push_files"],
    ] as const) {
      const latencies = events.filter(filter).map((e) => e.total_latency_ms);
      const { totals } = await timeSeries(db, "24h", scope, key, now);
      expect(totals.requests).toBe(latencies.length);
      for (const q of ["p50", "p95", "p99"] as const) {
        const exact = exactQuantile(latencies, Number(q.slice(1)) / 100);
        expect(Math.abs(totals[q]! - exact) / exact, `${scope} ${q}`).toBeLessThan(0.2);
      }
    }
  });

  it("ranks the top keys of a scope and the most denied tools, the same over every range", async () => {
    for (const range of ["7d", "30d"] as const) {
      expect((await topKeys(db, range, "consumer", "requests", 10, now)).map((c) => [c.key, c.requests])).toEqual([
        ["alice", 1000],
        ["bob", 1000],
        ["carol", 1000],
      ]);
    }
    const consumers = await topKeys(db, "24h", "consumer", "requests", 10, now);
    expect(consumers.map((c) => c.key)).toEqual(["alice", "bob", "carol"]);
    expect(consumers[0]!.requests).toBe(1000);
    const denied = await topKeys(db, "24h", "tool", "denials", 10, now);
    expect(denied.map((d) => d.key)).toEqual(["github/push_files", "konnect/push_files"]);
  });

  it("counts throttled calls (denials with reason rate_limited) per consumer, server and tool, the same over every range", async () => {
    const throttled = events.filter((e) => e.reason === "rate_limited");
    expect(throttled.length).toBeGreaterThan(0);
    const expected = (key: (e: AuditEvent) => string) => {
      const counts = new Map<string, number>();
      for (const e of throttled) counts.set(key(e), (counts.get(key(e)) ?? 0) + 1);
      return [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
    };
    for (const range of ["24h", "7d", "30d"] as const) {
      expect((await topKeys(db, range, "consumer", "throttled", 10, now)).map((r) => [r.key, r.throttled])).toEqual(expected((e) => e.consumer!));
      expect((await topKeys(db, range, "server", "throttled", 10, now)).map((r) => [r.key, r.throttled])).toEqual(expected((e) => e.server!));
      expect((await topKeys(db, range, "tool", "throttled", 10, now)).map((r) => [r.key, r.throttled])).toEqual(expected((e) => `${e.server}/${e.tool}`));
    }
  });

  it("breaks traffic down the same way from the minute rollups (24 h) and the hourly pair series (7 d)", async () => {
    for (const range of ["24h", "7d"] as const) {
      const mine = await breakdown(db, range, { consumer: "bob" }, now);
      expect(
        mine.reduce((sum, r) => sum + r.requests, 0),
        range,
      ).toBe(1000);
      expect(mine.every((r) => r.consumer === "bob")).toBe(true);
      const pushes = mine.filter((r) => r.server === "github" && r.tool === "push_files");
      expect(pushes.reduce((sum, r) => sum + r.denials, 0)).toBe(events.filter((e) => e.consumer === "bob" && e.server === "github" && e.tool === "push_files").length);

      const server = await breakdown(db, range, { server: "konnect" }, now);
      for (const consumer of ["alice", "bob", "carol"]) {
        const counted = server.filter((r) => r.consumer === consumer).reduce((sum, r) => sum + r.requests, 0);
        expect(counted, `${range} ${consumer}`).toBe(events.filter((e) => e.server === "konnect" && e.consumer === consumer).length);
      }

      const tool = await breakdown(db, range, { server: "github", tool: "push_files" }, now);
      expect(tool.reduce((sum, r) => sum + r.requests, 0)).toBe(events.filter((e) => e.server === "github" && e.tool === "push_files").length);
    }
  });

  it("counts a consumer's traffic only from `since` on (a developer's consumer from when it took its name), over every range", async () => {
    const since = new Date(now - 6 * 3_600_000);
    const after = events.filter((e) => e.consumer === "bob" && Date.parse(e.time) >= since.getTime()).length;
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThan(1000);
    for (const range of ["24h", "7d"] as const) {
      expect((await timeSeries(db, range, "consumer", "bob", now, since)).totals.requests, range).toBe(after);
      expect(
        (await breakdown(db, range, { consumer: "bob" }, now, since)).reduce((sum, r) => sum + r.requests, 0),
        range,
      ).toBe(after);
    }
    expect(await breakdown(db, "7d", { consumer: "bob" }, now, new Date(now + 7 * 86_400_000))).toEqual([]);
  });
});
