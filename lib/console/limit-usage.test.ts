import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import { createDb, type Db } from "../db/client";
import { limitsFor, limitsWithUsage, loadCallsUsed } from "./limit-usage";

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
});
afterAll(async () => {
  await db.$disconnect();
  await database.drop();
});

const caller = { username: "dana", groups: ["developer"] };
const server = {
  name: "github",
  limits: [
    { subject: "*", tool: "*", per_day: 1000 },
    { subject: "developer", tool: "push_files", per_minute: 5 },
    { subject: "dana", tool: "*", concurrent: 2 },
    { subject: "admin", tool: "*", per_minute: 1 },
    { subject: "erin", tool: "*", per_minute: 1 },
  ],
};

describe("the limits a developer sees in My access", () => {
  it("are the rules naming the consumer, one of its groups or everyone, as the gateway matches them", () => {
    expect(limitsFor(server, caller).map(({ rule, via }) => [rule.subject, via])).toEqual([
      ["*", "everyone"],
      ["developer", "group developer"],
      ["dana", "you"],
    ]);
  });

  it("count the consumer's admitted tools/call events of the current minute, the last 60 and the last 1440 minutes", async () => {
    const now = new Date("2026-12-02T10:30:20Z");
    const at = (minutesAgo: number) => new Date(Date.parse("2026-12-02T10:30:00Z") - minutesAgo * 60_000);
    const row = (minutesAgo: number, tool: string, decision: "allow" | "deny" | "error", count: number, consumerName = "dana", serverName = "github") => ({
      minute: at(minutesAgo),
      serverName,
      consumerName,
      toolName: tool,
      decision,
      count,
      errorCount: decision === "error" ? count : 0,
      latencySumMs: 0,
      latencyBuckets: [],
    });
    await db.auditRollup.createMany({
      data: [
        row(0, "push_files", "allow", 3),
        row(0, "push_files", "error", 1),
        row(0, "push_files", "deny", 7),
        row(1, "search", "allow", 4),
        row(59, "push_files", "allow", 10),
        row(60, "push_files", "allow", 100),
        row(1439, "search", "allow", 1000),
        row(1440, "search", "allow", 10_000),
        row(0, "", "allow", 50),
        row(0, "push_files", "allow", 500, "erin"),
        row(0, "push_files", "allow", 5000, "dana", "linear"),
      ],
    });
    const usage = await loadCallsUsed(db, "dana", now);
    expect(limitsWithUsage(server, caller, usage).map(({ rule, used }) => [rule.subject, used])).toEqual([
      ["*", { minute: 4, hour: 18, day: 1118 }],
      ["developer", { minute: 4, hour: 14, day: 114 }],
      ["dana", { minute: 4, hour: 18, day: 1118 }],
    ]);
  });
});
