// The audit hash chain against a real database: batches from two data planes,
// concurrent writers, re-sent batches, an edited row, and the CLI's exit codes.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import { sampleAuditEvent } from "../../test/support/audit-event";
import { csvLine, jsonLine } from "../analytics/audit-query";
import { ingestAuditEvents, pruneAuditData, RollupWriter } from "../analytics/ingest";
import { createDb, createPool } from "../db/client";
import { CHECKPOINT_EVERY } from "./chain";
import { latestChainStates, verifyTimeRange } from "./chain-state";
import type { AuditEvent } from "../core/audit/event";
import { describeVerdicts, parseVerifyArgs } from "./verify-args";

const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

let database: TestDatabase;
let pool: pg.Pool;
let writer: RollupWriter;
const planes = { east: randomUUID(), west: randomUUID() };

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  writer = new RollupWriter(pool);
  for (const [name, id] of Object.entries(planes)) {
    await pool.query(`INSERT INTO "DataPlane" (id, name, "tokenHash", "tokenPrefix") VALUES ($1, $2, $3, 'pcdp_')`, [id, name, randomUUID()]);
  }
});
afterAll(async () => {
  await writer.flush();
  await pool.end();
  await database.drop();
});

let clock = Date.parse("2026-12-01T10:00:00.000Z");
function event(overrides: Partial<AuditEvent> = {}): AuditEvent {
  clock += 1000;
  const fields = { consumer: "dev-user", groups: ["developer"], upstream_latency_ms: 3.25, total_latency_ms: 4.5, bytes_in: 100, bytes_out: 900 };
  return sampleAuditEvent({ time: new Date(clock).toISOString(), ...fields, ...overrides });
}
const batch = (size: number) => Array.from({ length: size }, () => event());

const DAY = { from: new Date("2026-12-01T00:00:00Z"), to: new Date("2026-12-02T00:00:00Z") };

async function head(planeId: string): Promise<{ seq: number; hash: string }> {
  const rows = await pool.query<{ seq: number; hash: string }>(`SELECT seq::float8 AS seq, hash FROM "AuditChainHead" WHERE "chainKey" = $1`, [planeId]);
  return rows.rows[0]!;
}

async function verifyCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await run(process.execPath, ["--import", "tsx", "launcher/audit-verify-cli.ts", ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: database.url } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  return { code: result.code, stdout: result.stdout, stderr: result.stderr };
}

describe("audit hash chain", () => {
  it("chains batches from two data planes, each on its own, also when they arrive at once", async () => {
    await ingestAuditEvents(pool, writer, batch(3), planes.east);
    await ingestAuditEvents(pool, writer, batch(2), planes.west);
    // Concurrent writers of one plane, and of both: the head lock puts them in one order.
    await Promise.all([...Array.from({ length: 6 }, () => ingestAuditEvents(pool, writer, batch(20), planes.east)), ingestAuditEvents(pool, writer, batch(5), planes.west)]);
    expect(await head(planes.east)).toMatchObject({ seq: 123 });
    expect(await head(planes.west)).toMatchObject({ seq: 7 });
    const verdicts = await verifyTimeRange(pool, DAY);
    expect(verdicts.map((v) => [v.name, v.verdict.ok, v.verdict.range.events])).toEqual([
      ["east", true, 123],
      ["west", true, 7],
    ]);
    const positions = await pool.query<{ seq: number }>(`SELECT "chainSeq"::float8 AS seq FROM "AuditEvent" WHERE "chainKey" = $1 ORDER BY 1`, [planes.east]);
    expect(positions.rows.map((r) => r.seq)).toEqual(Array.from({ length: 123 }, (_, i) => i + 1));
  });

  it("leaves the chain as it was when a batch is re-sent, alone or with new events", async () => {
    const sent = batch(4);
    await ingestAuditEvents(pool, writer, sent, planes.west);
    const before = await head(planes.west);
    expect(await ingestAuditEvents(pool, writer, sent, planes.west)).toEqual({ inserted: 0, duplicates: 4 });
    expect(await head(planes.west)).toEqual(before);
    const extra = event();
    // Twice at once, with a fresh event and a duplicate id inside the batch: the fresh one is chained once.
    const results = await Promise.all([ingestAuditEvents(pool, writer, [...sent, extra, extra], planes.west), ingestAuditEvents(pool, writer, [...sent, extra], planes.west)]);
    expect(results.map((r) => r.inserted).sort()).toEqual([0, 1]);
    expect(await head(planes.west)).toMatchObject({ seq: before.seq + 1 });
    expect((await verifyTimeRange(pool, { ...DAY, dataPlaneName: "west" })).every((v) => v.verdict.ok)).toBe(true);
  });

  it("writes a checkpoint every CHECKPOINT_EVERY events and shows each chain's state since the latest", async () => {
    const east = await head(planes.east);
    await ingestAuditEvents(pool, writer, batch(CHECKPOINT_EVERY - east.seq + 10), planes.east);
    const checkpoints = await pool.query(`SELECT seq::float8 AS seq FROM "AuditChainCheckpoint" WHERE "chainKey" = $1`, [planes.east]);
    expect(checkpoints.rows).toEqual([{ seq: CHECKPOINT_EVERY }]);
    const states = await latestChainStates(pool);
    expect(states.map((s) => [s.name, s.verdict.ok, s.verdict.range.firstSeq, s.verdict.range.events])).toEqual([
      ["east", true, CHECKPOINT_EVERY, 11],
      ["west", true, 1, (await head(planes.west)).seq],
    ]);
  });

  it("exits 0 with a summary on an intact range and 2 on bad flags", async () => {
    const intact = await verifyCli("--from", "2026-12-01T00:00:00Z", "--to", "2026-12-02T00:00:00Z", "--data-plane", "west");
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/^audit:verify: intact: \d+ chained event\(s\) in 1 chain\(s\) from 2026-12-01T00:00:00.000Z/);
    for (const [args, message] of [
      [["--from", "2026-12-01T00:00:00Z"], "--to is required"],
      [["--from", "yesterday", "--to", "2026-12-02T00:00:00Z"], "--from must be an ISO 8601 time"],
      [["--from", "2026-12-02T00:00:00Z", "--to", "2026-12-01T00:00:00Z"], "--from must be before --to"],
      [["--from", "2026-12-01T00:00:00Z", "--to", "2026-12-02T00:00:00Z", "--since", "x"], "Unknown option '--since'"],
      [["--from", "2026-12-01T00:00:00Z", "--to", "2026-12-02T00:00:00Z", "--data-plane", "north"], 'no data plane is named "north"'],
    ] as const) {
      const refused = await verifyCli(...args);
      expect(refused.code, args.join(" ")).toBe(2);
      expect(refused.stderr).toContain(message);
      expect(refused.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("names an event edited in the database, and the CLI exits 1", async () => {
    const victim = await pool.query<{ id: string }>(`SELECT id FROM "AuditEvent" WHERE "chainKey" = $1 AND "chainSeq" = 5`, [planes.west]);
    const id = victim.rows[0]!.id;
    await pool.query(`UPDATE "AuditEvent" SET "consumerName" = 'someone-else' WHERE id = $1`, [id]);
    const [west] = await verifyTimeRange(pool, { ...DAY, dataPlaneName: "west" });
    expect(west!.verdict).toMatchObject({ ok: false, broken: { eventId: id, seq: 5 } });
    const cli = await verifyCli("--from", "2026-12-01T00:00:00Z", "--to", "2026-12-02T00:00:00Z");
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`broken at event ${id} (data plane west, position 5)`);
    // The other plane's chain is untouched.
    const [east] = await verifyTimeRange(pool, { ...DAY, dataPlaneName: "east" });
    expect(east!.verdict.ok).toBe(true);
  });

  it("names the event after a deleted one", async () => {
    const rows = await pool.query<{ id: string; seq: number }>(`SELECT id, "chainSeq"::float8 AS seq FROM "AuditEvent" WHERE "chainKey" = $1 AND "chainSeq" IN (20, 21)`, [
      planes.east,
    ]);
    await pool.query(`DELETE FROM "AuditEvent" WHERE "chainKey" = $1 AND "chainSeq" = 20`, [planes.east]);
    const [east] = await verifyTimeRange(pool, { ...DAY, dataPlaneName: "east" });
    expect(east!.verdict).toMatchObject({ ok: false, broken: { eventId: rows.rows.find((r) => r.seq === 21)!.id, seq: 21 } });
  });
});

describe("audit hash chain after retention pruning, and in exports", () => {
  it("walks a chain whose oldest events were pruned from the first stored one", async () => {
    const early = batch(3);
    await ingestAuditEvents(pool, writer, early, null);
    // What pruneAuditData does to events past the retention.
    await pool.query(`DELETE FROM "AuditEvent" WHERE id = $1`, [early[0]!.id]);
    const [none] = (await verifyTimeRange(pool, DAY)).filter((v) => v.name === "none");
    expect(none!.verdict).toMatchObject({ ok: true, range: { firstSeq: 2, lastSeq: 3, events: 2, anchored: false } });
  });

  it("exports each event's chain key, position and hash", async () => {
    const db = createDb(pool);
    const row = await db.auditEvent.findFirstOrThrow({ where: { chainKey: planes.east, chainSeq: 3 } });
    expect(JSON.parse(jsonLine(row))).toMatchObject({ id: row.id, chainKey: planes.east, chainSeq: 3, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(csvLine(row)).toContain(`,${planes.east},3,${row.hash}\n`);
  });
});

// Each case on a chain of its own: 30 events a minute apart, and the window holding positions 11–20.
const MINUTE = 60_000;
const EDGES_START = Date.parse("2026-12-03T10:00:00.000Z");
const WINDOW = { from: new Date(EDGES_START + 11 * MINUTE), to: new Date(EDGES_START + 21 * MINUTE) };

async function plane(name: string): Promise<string> {
  const id = randomUUID();
  await pool.query(`INSERT INTO "DataPlane" (id, name, "tokenHash", "tokenPrefix") VALUES ($1, $2, $3, 'pcdp_')`, [id, name, randomUUID()]);
  return id;
}

/** A plane whose chain holds events at the given times, in this arrival order; the events by position (1-based). */
async function chainAt(name: string, times: number[]): Promise<{ id: string; events: AuditEvent[] }> {
  const id = await plane(name);
  const events = times.map((t) => event({ time: new Date(t).toISOString() }));
  await ingestAuditEvents(pool, writer, events, id);
  return { id, events };
}
const minutes = (n: number) => Array.from({ length: n }, (_, i) => EDGES_START + (i + 1) * MINUTE);

async function deletePositions(planeId: string, ...seqs: number[]) {
  await pool.query(`DELETE FROM "AuditEvent" WHERE "chainKey" = $1 AND "chainSeq" = ANY($2::bigint[])`, [planeId, seqs]);
}
async function verdictOf(name: string, range: { from: Date; to: Date } = WINDOW) {
  const [verdict] = await verifyTimeRange(pool, { ...range, dataPlaneName: name });
  return verdict!.verdict;
}

describe("audit:verify over a time range, at the range's edges", () => {
  it("is intact over a window of an untouched chain, and an empty window between consecutive events", async () => {
    await chainAt("edges-intact", minutes(30));
    expect(await verdictOf("edges-intact")).toMatchObject({ ok: true, range: { firstSeq: 11, lastSeq: 20, events: 10, anchored: true } });
    const between = { from: new Date(EDGES_START + 11 * MINUTE + 1000), to: new Date(EDGES_START + 12 * MINUTE) };
    expect(await verdictOf("edges-intact", between)).toMatchObject({ ok: true, range: { events: 0 } });
  });

  it("is broken when the window's first event is deleted while older ones are stored, naming the event after the gap", async () => {
    const { id, events } = await chainAt("edges-first", minutes(30));
    await deletePositions(id, 11);
    expect(await verdictOf("edges-first")).toMatchObject({ ok: false, broken: { eventId: events[11]!.id, seq: 12, reason: expect.stringContaining("follows 10") } });
  });

  it("is broken when the window's last event is deleted", async () => {
    const { id, events } = await chainAt("edges-last", minutes(30));
    await deletePositions(id, 20);
    expect(await verdictOf("edges-last")).toMatchObject({ ok: false, broken: { eventId: events[20]!.id, seq: 21, reason: expect.stringContaining("follows 19") } });
  });

  it("is broken when the chain's newest events are deleted, against the head", async () => {
    const { id, events } = await chainAt("edges-head", minutes(30));
    await deletePositions(id, 30);
    const tail = { from: new Date(EDGES_START + 21 * MINUTE), to: new Date(EDGES_START + 40 * MINUTE) };
    expect(await verdictOf("edges-head", tail)).toMatchObject({
      ok: false,
      broken: { eventId: events[28]!.id, seq: 29, reason: expect.stringContaining("head is at position 30") },
    });
  });

  it("is broken when every event of a window in the middle of the chain is deleted, also for the CLI", async () => {
    const { id, events } = await chainAt("edges-all", minutes(30));
    await deletePositions(id, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20);
    expect(await verdictOf("edges-all")).toMatchObject({ ok: false, broken: { eventId: events[20]!.id, seq: 21, reason: expect.stringContaining("follows 10") } });
    const cli = await verifyCli("--from", WINDOW.from.toISOString(), "--to", WINDOW.to.toISOString(), "--data-plane", "edges-all");
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`broken at event ${events[20]!.id} (data plane edges-all, position 21)`);
  });

  it("is broken when the chain's newest events are deleted and the window lies after them", async () => {
    const { id, events } = await chainAt("edges-after", minutes(30));
    await deletePositions(id, 25, 26, 27, 28, 29, 30);
    const after = { from: new Date(EDGES_START + 26 * MINUTE), to: new Date(EDGES_START + 40 * MINUTE) };
    expect(await verdictOf("edges-after", after)).toMatchObject({ ok: false, broken: { eventId: events[23]!.id, seq: 24 } });
  });
});

describe("audit hash chain and retention pruning", () => {
  const db = () => createDb(pool);
  const DAY_MS = 86_400_000;
  // Pruning 30 days back from here keeps events from 2026-11-05 on.
  const NOW = new Date("2026-12-05T00:00:00.000Z");
  const OLD = Date.parse("2026-11-01T00:00:00.000Z");
  const RECENT = Date.parse("2026-11-10T00:00:00.000Z");
  const ALL_TIME = { from: new Date(0), to: NOW };

  it("leaves a genuinely pruned head intact, with the note, and the first kept event linked to the pruned one", async () => {
    const { id, events } = await chainAt("pruned-head", [OLD, OLD + 1000, OLD + 2000, RECENT, RECENT + 1000, RECENT + 2000]);
    await pruneAuditData(db(), 30, NOW);
    const positions = await pool.query<{ seq: number }>(`SELECT "chainSeq"::float8 AS seq FROM "AuditEvent" WHERE "chainKey" = $1 ORDER BY 1`, [id]);
    expect(positions.rows.map((r) => r.seq)).toEqual([4, 5, 6]);
    const verdicts = await verifyTimeRange(pool, { ...ALL_TIME, dataPlaneName: "pruned-head" });
    expect(verdicts[0]!.verdict).toMatchObject({ ok: true, range: { firstSeq: 4, lastSeq: 6, events: 3, anchored: false } });
    expect(describeVerdicts(verdicts, ALL_TIME).line).toContain("earlier events pruned, so the walk starts at the first stored event for pruned-head");
    // A window inside the pruned time: its edge is the first kept event.
    expect(await verdictOf("pruned-head", { from: new Date(OLD - DAY_MS), to: new Date(OLD + DAY_MS) })).toMatchObject({ ok: true, range: { events: 0 } });
    // Deleting the oldest kept event is no longer pruning: the chain was pruned up to position 3 only.
    await deletePositions(id, 4);
    expect(await verdictOf("pruned-head", ALL_TIME)).toMatchObject({ ok: false, broken: { eventId: events[4]!.id, seq: 5, reason: expect.stringContaining("follows 3") } });
  });

  it("keeps a long-running request's old event that arrived among newer ones, so the chain stays intact", async () => {
    // Position 3 is a request that started on 2026-11-01 and ended (was logged) among events of 2026-11-10.
    const { id } = await chainAt("pruned-long", [OLD, RECENT, OLD + 5000, RECENT + 1000, RECENT + 2000]);
    const result = await pruneAuditData(db(), 30, NOW);
    expect(result.events).toBeGreaterThanOrEqual(1);
    const positions = await pool.query<{ seq: number }>(`SELECT "chainSeq"::float8 AS seq FROM "AuditEvent" WHERE "chainKey" = $1 ORDER BY 1`, [id]);
    expect(positions.rows.map((r) => r.seq)).toEqual([2, 3, 4, 5]);
    expect(await verdictOf("pruned-long", ALL_TIME)).toMatchObject({ ok: true, range: { firstSeq: 2, lastSeq: 5, events: 4, anchored: false } });
    // Once the events before and around it are past the retention too, it goes with them.
    await pruneAuditData(db(), 30, new Date(RECENT + 40 * DAY_MS));
    expect((await pool.query(`SELECT 1 FROM "AuditEvent" WHERE "chainKey" = $1`, [id])).rowCount).toBe(0);
    expect((await verifyTimeRange(pool, { ...ALL_TIME, dataPlaneName: "pruned-long" })).length).toBe(0);
  });
});

describe("audit:verify flags", () => {
  it("takes --from, --to and --data-plane", () => {
    expect(parseVerifyArgs(["--from", "2026-12-01T00:00:00+01:00", "--to", "2026-12-02T00:00:00Z", "--data-plane", "east"])).toEqual({
      ok: true,
      args: { from: new Date("2026-11-30T23:00:00Z"), to: new Date("2026-12-02T00:00:00Z"), dataPlaneName: "east" },
    });
  });
});
