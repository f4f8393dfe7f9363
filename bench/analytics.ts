// npm run bench:analytics — control-plane ingestion throughput, then every
// dashboard's response time over 10 million raw events and 30 days of rollups.
// Options: EVENTS (default 10000000), DAYS (default 30).
import { randomUUID } from "node:crypto";
import { ALL_EVENTS, auditPage } from "../lib/analytics/audit-query";
import { ingestAuditEvents, pruneAuditData, RollupWriter } from "../lib/analytics/ingest";
import { breakdown, RANGES, timeSeries, topKeys, type RangeKey } from "../lib/analytics/queries";
import type { AuditEvent } from "../lib/core/audit/event";
import type pg from "pg";
import { createDb, createPool } from "../lib/db/client";
import { median, throwawayDatabase, writeResults } from "./support";

const TOTAL = Number(process.env.EVENTS ?? 10_000_000);
const DAYS = Number(process.env.DAYS ?? 30);
const SERVERS = ["github", "konnect", "slack", "figma"];
const TOOLS = Array.from({ length: 40 }, (_, i) => `tool_${i}`);
const CONSUMERS = Array.from({ length: 200 }, (_, i) => `consumer-${i}`);

let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
// A few heavy users and many light ones, like real traffic.
const skewed = <T>(items: T[]) => items[Math.floor(items.length * random() ** 2)]!;

function makeEvent(time: number): AuditEvent {
  const roll = random();
  const decision = roll < 0.08 ? "deny" : roll < 0.09 ? "error" : "allow";
  return {
    id: randomUUID(),
    time: new Date(time).toISOString(),
    request_id: randomUUID(),
    http_method: "POST",
    path: "/mcp",
    session: false,
    server: skewed(SERVERS),
    consumer: skewed(CONSUMERS),
    groups: ["developer"],
    key_id: null,
    end_user: null,
    upstream_identity: null,
    method: "tools/call",
    tool: skewed(TOOLS),
    decision,
    reason: decision === "deny" ? "Tool is not available for consumer group 'developer'" : "",
    status: decision === "error" ? 502 : 200,
    jsonrpc_error: decision === "deny" ? -32602 : null,
    upstream_latency_ms: null,
    total_latency_ms: Math.exp(random() * 7) / 4,
    bytes_in: 300,
    bytes_out: 2000,
    token_hash: null,
    config_version: null,
  };
}

/** Two data planes sending batches of 500 live events as fast as the control plane takes them, for 15 s. */
async function measureIngestion(pool: pg.Pool) {
  const writer = new RollupWriter(pool);
  const timer = setInterval(() => void writer.flush(), 1000);
  const start = performance.now();
  const until = start + 15_000;
  let events = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (performance.now() < until) {
        const batch = Array.from({ length: 500 }, () => makeEvent(Date.now()));
        await ingestAuditEvents(pool, writer, batch, null);
        events += batch.length;
      }
    }),
  );
  clearInterval(timer);
  await writer.flush();
  const seconds = (performance.now() - start) / 1000;
  return { events, seconds: Number(seconds.toFixed(2)), eventsPerSecond: Math.round(events / seconds) };
}

async function seed10M(pool: pg.Pool, now: number) {
  const span = DAYS * 86_400_000;
  const chunk = 20_000;
  const writer = new RollupWriter(pool);
  const start = performance.now();
  for (let done = 0; done < TOTAL; done += chunk) {
    const size = Math.min(chunk, TOTAL - done);
    // Time-ordered, so each chunk's rollups touch few existing rows.
    const events = Array.from({ length: size }, (_, i) => makeEvent(now - span + ((done + i) / TOTAL) * span));
    await ingestAuditEvents(pool, writer, events, null);
    await writer.flush();
    if ((done / chunk) % 50 === 0)
      process.stdout.write(`  seeded ${(done / 1e6).toFixed(1)} M of ${(TOTAL / 1e6).toFixed(1)} M events (${Math.round((performance.now() - start) / 1000)} s)\n`);
  }
  return Math.round((performance.now() - start) / 1000);
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    await fn();
    runs.push(performance.now() - start);
  }
  return Number(median(runs).toFixed(1));
}

async function main() {
  const database = await throwawayDatabase();
  const pool = createPool(database.url);
  const db = createDb(pool);
  const now = Date.now();
  try {
    console.log("ingestion: batches of 500 live events from two data planes for 15 s…");
    const ingestion = await measureIngestion(pool);
    console.log(`  ${ingestion.eventsPerSecond} events/s`);
    console.log(`seeding ${TOTAL.toLocaleString("en")} events over ${DAYS} days through the same ingestion path…`);
    const seedSeconds = await seed10M(pool, now);
    // What the hourly retention job leaves after 30 days of operation (per-minute series: two days).
    await pruneAuditData(db, 30, new Date(now));
    await db.$executeRawUnsafe("VACUUM ANALYZE");
    const counts = {
      events: await db.auditEvent.count(),
      rollups: await db.auditRollup.count(),
      series: await db.auditSeries.count(),
      latencyHistograms: await db.auditLatency.count(),
    };
    const [consumer] = await topKeys(db, "30d", "consumer", "requests", 1, now);
    const [tool] = await topKeys(db, "30d", "tool", "requests", 1, now);
    const server = "github";
    const toolServer = tool!.key.slice(0, tool!.key.indexOf("/"));
    const toolName = tool!.key.slice(tool!.key.indexOf("/") + 1);
    const rows: Record<string, Record<RangeKey, number>> = { overview: {} as never, consumer: {} as never, server: {} as never, tool: {} as never };
    for (const range of Object.keys(RANGES) as RangeKey[]) {
      rows.overview![range] = await time(() =>
        Promise.all([
          timeSeries(db, range, "all", "", now),
          ...(["server", "tool", "consumer"] as const).map((s) => topKeys(db, range, s, "requests", 10, now)),
          topKeys(db, range, "tool", "denials", 10, now),
        ]),
      );
      rows.consumer![range] = await time(() => Promise.all([timeSeries(db, range, "consumer", consumer!.key, now), breakdown(db, range, { consumer: consumer!.key }, now)]));
      rows.server![range] = await time(() => Promise.all([timeSeries(db, range, "server", server, now), breakdown(db, range, { server }, now)]));
      rows.tool![range] = await time(() => Promise.all([timeSeries(db, range, "tool", tool!.key, now), breakdown(db, range, { server: toolServer, tool: toolName }, now)]));
    }
    const audit = {
      firstPage: await time(() => auditPage(db, {}, ALL_EVENTS)),
      byConsumerDenied: await time(() => auditPage(db, { consumer: consumer!.key, decision: "deny" }, ALL_EVENTS)),
      byTool: await time(() => auditPage(db, { tool: toolName }, ALL_EVENTS)),
    };
    console.log(
      `\nseeded in ${seedSeconds} s: ${counts.events.toLocaleString("en")} events, ${counts.rollups.toLocaleString("en")} minute rollups, ${counts.series.toLocaleString("en")} series rows, ${counts.latencyHistograms.toLocaleString("en")} latency histograms`,
    );
    console.log("\ndashboard response time (ms, median of 3; target < 500)");
    console.log(
      `${"dashboard".padEnd(10)} ${Object.keys(RANGES)
        .map((r) => r.padStart(8))
        .join("")}`,
    );
    for (const [name, byRange] of Object.entries(rows))
      console.log(
        `${name.padEnd(10)} ${Object.values(byRange)
          .map((ms) => String(ms).padStart(8))
          .join("")}`,
      );
    console.log(`audit explorer first page ${audit.firstPage} ms, consumer+deny ${audit.byConsumerDenied} ms, by tool ${audit.byTool} ms`);
    const file = writeResults("analytics.json", { date: new Date().toISOString(), ingestion, seedSeconds, counts, dashboardsMs: rows, auditMs: audit });
    console.log(`\nwritten to ${file}`);
  } finally {
    await db.$disconnect();
    await pool.end();
    await database.close();
  }
}

await main();
