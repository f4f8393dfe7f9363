// A call forwarded after a confirmation or an approval: its audit event keeps who, when and how long, and the
// audit explorer finds it by that.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import { auditEventSchema, type AuditEvent } from "../core/audit/event";
import { createDb, createPool, type Db } from "../db/client";
import { ALL_EVENTS, auditPage, parseAuditFilter } from "./audit-query";
import { ingestAuditEvents, RollupWriter } from "./ingest";

let database: TestDatabase;
let pool: pg.Pool;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  db = createDb(pool);
});
afterAll(async () => {
  await db.$disconnect();
  await pool.end();
  await database.drop();
});

const event = (over: Partial<AuditEvent>): AuditEvent =>
  auditEventSchema.parse({
    id: randomUUID(),
    time: "2026-12-03T10:00:00.000Z",
    request_id: randomUUID(),
    server: "github",
    consumer: "dev-user",
    method: "tools/call",
    tool: "merge_pull_request",
    decision: "allow",
    status: 200,
    total_latency_ms: 4,
    ...over,
  });

describe("approvals in the audit trail", () => {
  it("stores the approval's id, kind, approver and wait, and filters by them", async () => {
    const approved = event({ approval: { id: randomUUID(), kind: "approve", by: "approver@example.com", at: "2026-12-03T09:59:00.000Z", waited_ms: 61_000 } });
    const confirmed = event({ approval: { id: "sha256:" + "a".repeat(64), kind: "confirm", by: "dev-user", at: "2026-12-03T09:59:30.000Z", waited_ms: 1200 } });
    const plain = event({ tool: "get_me" });
    const writer = new RollupWriter(pool);
    await ingestAuditEvents(pool, writer, [approved, confirmed, plain], null);
    await writer.flush();

    const row = await db.auditEvent.findUniqueOrThrow({ where: { id: approved.id } });
    expect(row).toMatchObject({ approvalId: approved.approval!.id, approvalKind: "approve", approvedBy: "approver@example.com", approvalWaitedMs: 61_000 });
    expect((await db.auditEvent.findUniqueOrThrow({ where: { id: plain.id } })).approvalId).toBeNull();

    const ids = async (approval: string) => (await auditPage(db, parseAuditFilter({ approval }).filter, ALL_EVENTS)).events.map((e) => e.id).sort();
    expect(await ids("any")).toEqual([approved.id, confirmed.id].sort());
    expect(await ids("approve")).toEqual([approved.id]);
    expect(await ids("confirm")).toEqual([confirmed.id]);
    expect(await ids("")).toHaveLength(3);
  });
});
