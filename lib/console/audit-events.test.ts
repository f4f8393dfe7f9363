// The explorer's domain functions against a real database: whose events a
// role reads, the refusal naming each bad filter, and Verify over a window
// (intact with its count, or the edited event named).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import { sampleAuditEvent } from "../../test/support/audit-event";
import { ingestAuditEvents, RollupWriter } from "../analytics/ingest";
import type { AuditEvent } from "../core/audit/event";
import { db, pool } from "../db/client";
import { auditFilterOrThrow, auditScopeFor, verifyAuditWindow } from "./audit-events";
import { ConsoleError } from "./errors";

let database: TestDatabase;
const now = new Date("2026-12-02T12:00:00Z");
const planeId = randomUUID();

const event = (minutesAgo: number): AuditEvent => sampleAuditEvent({ time: new Date(now.getTime() - minutesAgo * 60_000).toISOString() });

// Ten events a minute apart, the newest a minute before `now`, and one two days earlier.
const recent = Array.from({ length: 10 }, (_, i) => event(i + 1));
const older = event(2 * 24 * 60);

beforeAll(async () => {
  database = await createTestDatabase();
  // The console's db() and pool() open DATABASE_URL on first use.
  process.env.DATABASE_URL = database.url;
  await pool().query(`INSERT INTO "DataPlane" (id, name, "tokenHash", "tokenPrefix") VALUES ($1, 'edge', $2, 'pcdp_')`, [planeId, randomUUID()]);
  const writer = new RollupWriter(pool());
  await ingestAuditEvents(pool(), writer, [older, ...[...recent].reverse()], planeId);
  await writer.flush();
});
afterAll(async () => {
  await db().$disconnect();
  await pool().end();
  await database.drop();
});

describe("auditScopeFor", () => {
  it("gives admins and viewers every event and a developer their own consumers", async () => {
    const developer = await db().user.create({ data: { email: `dev-${randomUUID()}@test.local`, role: "developer" } });
    const mine = await db().consumer.create({ data: { username: "mine-1", ownerUserId: developer.id } });
    await db().consumer.create({ data: { username: "not-mine" } });
    expect(await auditScopeFor({ id: developer.id, role: "admin" })).toEqual({ consumers: "all" });
    expect(await auditScopeFor({ id: developer.id, role: "viewer" })).toEqual({ consumers: "all" });
    expect(await auditScopeFor({ id: developer.id, role: "developer" })).toEqual({ consumers: [{ name: "mine-1", since: mine.namedAt }] });
  });
});

describe("auditFilterOrThrow", () => {
  it("refuses with a message for each bad field", () => {
    let refusal: unknown;
    try {
      auditFilterOrThrow(new URLSearchParams("status=abc&range=2h&tool=ok"));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ConsoleError);
    expect((refusal as ConsoleError).toBody()).toEqual({
      error: { code: "invalid", message: "Some filters need attention.", fields: { status: "a three-digit HTTP status such as 403", range: "one of 15m, 1h, 24h, 7d" } },
    });
    expect(auditFilterOrThrow(new URLSearchParams("tool=ok"))).toEqual({ tool: "ok" });
  });
});

describe("verifyAuditWindow", () => {
  it("counts the events it verified over a preset and over all time", async () => {
    expect(await verifyAuditWindow({ range: "15m" }, now)).toMatchObject({ intact: true, events: 10, chains: 1, to: now.toISOString() });
    expect(await verifyAuditWindow({}, now)).toMatchObject({ intact: true, events: 11, chains: 1, from: new Date(0).toISOString() });
  });

  it("names an event edited in the database, and a window without it stays intact", async () => {
    const victim = recent[4]!;
    await pool().query(`UPDATE "AuditEvent" SET decision = 'deny' WHERE id = $1`, [victim.id]);
    expect(await verifyAuditWindow({ range: "15m" }, now)).toMatchObject({
      intact: false,
      eventId: victim.id,
      dataPlane: "edge",
      reason: "its hash does not match its content and the previous hash",
    });
    const before = { from: new Date(now.getTime() - 3 * 24 * 3_600_000).toISOString(), to: new Date(now.getTime() - 24 * 3_600_000).toISOString() };
    expect(await verifyAuditWindow(before, now)).toMatchObject({ intact: true, events: 1 });
  });
});
