// What POST /api/dp/v1/events does with a batch (app/api/dp/v1/events/route.ts: parseEventBatch,
// then ingestion), against a real database: the valid events of a batch holding invalid ones are
// stored and chained, exactly those, and the invalid ones reported by index; byte counts past
// 2^31 are stored as they are.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import { sampleAuditEvent } from "../../test/support/audit-event";
import { ingestAuditEvents, RollupWriter } from "../analytics/ingest";
import { verifyTimeRange } from "../audit-chain/chain-state";
import { parseEventBatch, type AuditEvent } from "../core/audit/event";
import { createDb, createPool, type Db } from "../db/client";

let database: TestDatabase;
let pool: pg.Pool;
let db: Db;
let writer: RollupWriter;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  db = createDb(pool);
  writer = new RollupWriter(pool);
});
afterAll(async () => {
  await writer.flush();
  await db.$disconnect();
  await pool.end();
  await database.drop();
});

async function dataPlane(name: string): Promise<string> {
  const id = randomUUID();
  await pool.query(`INSERT INTO "DataPlane" (id, name, "tokenHash", "tokenPrefix") VALUES ($1, $2, $3, 'pcdp_')`, [id, name, randomUUID()]);
  return id;
}

/** What the route does with a body: the whole refusal, or what it stores and the invalid events' indices. */
async function post(planeId: string, body: unknown) {
  const parsed = parseEventBatch(JSON.parse(JSON.stringify(body)));
  if (!parsed.ok) return { status: 400, problems: parsed.problems };
  return { status: 200, ...(await ingestAuditEvents(pool, writer, parsed.events, planeId)), invalid: parsed.invalid };
}

const DAY = { from: new Date("2026-12-01T00:00:00Z"), to: new Date("2026-12-02T00:00:00Z") };
let clock = Date.parse("2026-12-01T10:00:00.000Z");
const event = (overrides: Partial<AuditEvent> = {}) => sampleAuditEvent({ time: new Date((clock += 1000)).toISOString(), ...overrides });

describe("a data plane's event batch", () => {
  it("refuses an event whose recorded arguments PostgreSQL cannot hold (a NUL, a lone surrogate) and stores the others", async () => {
    const plane = await dataPlane("arguments");
    const good = event({ arguments: { q: "fine" } });
    const answer = await post(plane, { events: [good, event({ arguments: { q: { deep: ["a\u0000"] } } }), event({ arguments: { "k\ud800": 1 } })] });
    expect(answer).toMatchObject({ status: 200, inserted: 1 });
    const invalid = "invalid" in answer ? answer.invalid : [];
    expect(invalid.map((e) => [e.index, e.problems])).toEqual([
      [1, ["arguments: Contains a NUL character or an unpaired surrogate, which cannot be stored."]],
      [2, ["arguments: Contains a NUL character or an unpaired surrogate, which cannot be stored."]],
    ]);
  });

  it("stores every valid event of a batch holding invalid ones, chains exactly those, and reports the others by index", async () => {
    const plane = await dataPlane("north");
    const good = [event(), event({ groups: ["a", "b"] }), event()];
    const body = {
      events: [
        good[0],
        event({ path: "/" + "a".repeat(3000), reason: "route_not_found", status: 404 }),
        good[1],
        event({ method: Array.from({ length: 30 }, () => "tools/call").join(",") }),
        event({ end_user: "idp-user\u0000" }),
        { id: "not-a-uuid" },
        good[2],
      ],
    };
    const answer = await post(plane, body);
    expect(answer).toMatchObject({ status: 200, inserted: 3, duplicates: 0 });
    const invalid = "invalid" in answer ? answer.invalid : [];
    expect(invalid.map((e) => e.index)).toEqual([1, 3, 4, 5]);
    expect(invalid[0]!.problems).toEqual(["path: Too big: expected string to have <=2048 characters"]);
    expect(invalid[1]!.problems).toEqual(["method: Too big: expected string to have <=256 characters"]);
    expect(invalid[2]!.problems).toEqual(["end_user: Contains a NUL character or an unpaired surrogate, which cannot be stored."]);
    expect(invalid[3]!.problems[0]).toMatch(/^id: /);

    const rows = await pool.query<{ id: string; seq: number }>(`SELECT id, "chainSeq"::float8 AS seq FROM "AuditEvent" WHERE "chainKey" = $1 ORDER BY "chainSeq"`, [plane]);
    expect(rows.rows).toEqual(good.map((e, i) => ({ id: e.id, seq: i + 1 })));
    const verdicts = await verifyTimeRange(pool, { ...DAY, dataPlaneName: "north" });
    expect(verdicts.map((v) => [v.name, v.verdict.ok, v.verdict.range.events])).toEqual([["north", true, 3]]);

    // Sent again (a lost answer): nothing new, the same report.
    const again = await post(plane, body);
    expect(again).toMatchObject({ status: 200, inserted: 0, duplicates: 3 });
    expect("invalid" in again ? again.invalid.map((e) => e.index) : []).toEqual([1, 3, 4, 5]);
  });

  it("refuses as a whole only a body that is not a batch", async () => {
    const plane = await dataPlane("south");
    for (const body of [null, [], { events: "x" }, { events: Array.from({ length: 1001 }, () => event()) }]) {
      expect(await post(plane, body)).toMatchObject({ status: 400 });
    }
    expect(await post(plane, { events: [] })).toMatchObject({ status: 200, inserted: 0, invalid: [] });
  });

  it("why a NUL is refused: PostgreSQL cannot hold one, and the insert of the whole batch would fail", async () => {
    const plane = await dataPlane("east");
    await expect(ingestAuditEvents(pool, writer, [event(), event({ end_user: "a\u0000" })], plane)).rejects.toThrow();
    expect((await pool.query(`SELECT 1 FROM "AuditEvent" WHERE "chainKey" = $1`, [plane])).rowCount).toBe(0);
  });

  it("stores byte counts past 2^31 (a long stream) and the chain still verifies", async () => {
    const plane = await dataPlane("west");
    const big = event({ bytes_in: 3e9, bytes_out: 5e9 });
    expect(await post(plane, { events: [event(), big] })).toMatchObject({ status: 200, inserted: 2, invalid: [] });
    const row = await db.auditEvent.findUniqueOrThrow({ where: { id: big.id }, select: { bytesIn: true, bytesOut: true } });
    expect(row).toEqual({ bytesIn: 3_000_000_000n, bytesOut: 5_000_000_000n });
    const verdicts = await verifyTimeRange(pool, { ...DAY, dataPlaneName: "west" });
    expect(verdicts.map((v) => [v.name, v.verdict.ok, v.verdict.range.events])).toEqual([["west", true, 2]]);
  });
});
