import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import { db, pool } from "../db/client";
import { listActivity } from "./activity-log";
import { ConsoleError } from "./errors";

let database: TestDatabase;
const start = Date.parse("2026-01-01T00:00:00Z");

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  // 30 entries; every third pair shares a timestamp, so the cursor must break ties by id.
  await db().activityLog.createMany({
    data: Array.from({ length: 30 }, (_, i) => ({
      time: new Date(start + Math.floor(i / 2) * 1000),
      actorEmail: i % 3 === 0 ? "alice@example.com" : "bob@example.com",
      action: i % 2 === 0 ? "server.update" : "group.create",
      entityType: i % 2 === 0 ? "server" : "group",
      entityName: i === 7 ? "GitHub-prod" : `entity-${i}`,
    })),
  });
});

afterAll(async () => {
  await db().$disconnect();
  await pool().end();
  await database?.drop();
});

async function everyPage(filter: Parameters<typeof listActivity>[0], size: number) {
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listActivity({ ...filter, cursor }, size);
    seen.push(...page.entries.map((e) => e.id));
    cursor = page.nextCursor;
  } while (cursor);
  return seen;
}

describe("activity log pages and filters", () => {
  it("walks every entry exactly once, newest first, across equal timestamps", async () => {
    const all = await db().activityLog.findMany({ orderBy: [{ time: "desc" }, { id: "desc" }], select: { id: true } });
    expect(await everyPage({}, 7)).toEqual(all.map((e) => e.id));
    const first = await listActivity({}, 7);
    expect(first.entries).toHaveLength(7);
    expect(first.entries[0]!.time >= first.entries[6]!.time).toBe(true);
  });

  it("filters by entity type, actor and text, and pages within a filter", async () => {
    expect((await everyPage({ type: "group" }, 4)).length).toBe(15);
    const alice = await listActivity({ actor: "ALICE" }, 50);
    expect(alice.entries.length).toBe(10);
    expect(alice.entries.every((e) => e.actorEmail === "alice@example.com")).toBe(true);
    expect((await listActivity({ q: "github" }, 50)).entries.map((e) => e.entityName)).toEqual(["GitHub-prod"]);
    expect((await listActivity({ q: "server.update", actor: "bob" }, 50)).entries.length).toBe(10);
  });

  it("refuses a cursor it did not make", async () => {
    await expect(listActivity({ cursor: "garbage" })).rejects.toBeInstanceOf(ConsoleError);
  });
});
