import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import type { CurrentUser } from "../auth/session";
import { compileConfig } from "../config/compile";
import { loadConfigSnapshot } from "../controlplane/snapshot";
import { db, pool } from "../db/client";
import { ConsoleError } from "./errors";
import { createLimit, deleteLimit, listConsumerLimits, listServerLimits, updateLimit } from "./limits";
import { limitInputSchema } from "./schemas/limit";
import { serverInputSchema } from "./schemas/server";
import { createServer } from "./servers";

let database: TestDatabase;
let admin: CurrentUser;
let serverId: string;
let serverName: string;
let carolId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  const row = await db().user.create({ data: { email: "admin@limits.test", role: "admin" } });
  admin = { id: row.id, email: row.email, name: "", role: "admin" };
  await db().consumerGroup.create({ data: { name: "developer" } });
  carolId = (await db().consumer.create({ data: { username: "carol" } })).id;
  serverName = `gh-${randomBytes(3).toString("hex")}`;
  serverId = (
    await createServer(admin, serverInputSchema.parse({ name: serverName, path: `/${serverName}`, upstream: "https://api.githubcopilot.com/mcp/", auth: { mode: "passthrough" } }))
  ).id;
});

afterAll(async () => {
  await db().$disconnect();
  await pool().end();
  await database?.drop();
});

const input = (value: unknown) => limitInputSchema.parse(value);
const compiledLimits = async () => compileConfig(await loadConfigSnapshot(db())).servers!.find((s) => s.name === serverName)!.limits;

async function refusal(promise: Promise<unknown>): Promise<ConsoleError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConsoleError)) throw new Error(`expected a ConsoleError, got ${String(error)}`);
  return error;
}

describe("limit rules in the console", () => {
  it("creates, updates and deletes rules that compile into the server's limits, each logged", async () => {
    const group = await createLimit(admin, serverId, input({ subject: "group:developer", tool: "push_files", per_minute: 5, concurrent: 2 }));
    const everyone = await createLimit(admin, serverId, input({ subject: "*", per_day: 1000 }));
    const own = await createLimit(admin, serverId, input({ subject: "consumer:carol", per_hour: 50 }));
    expect(await compiledLimits()).toEqual([
      { subject: "*", tool: "*", per_day: 1000 },
      { subject: "carol", tool: "*", per_hour: 50 },
      { subject: "developer", tool: "push_files", per_minute: 5, concurrent: 2 },
    ]);
    expect((await listServerLimits(serverId)).map((l) => [l.subjectRef, l.tool])).toEqual([
      ["*", "*"],
      ["consumer:carol", "*"],
      ["group:developer", "push_files"],
    ]);
    expect((await listConsumerLimits(carolId)).map((l) => [l.serverName, l.per_hour])).toEqual([[serverName, 50]]);

    await updateLimit(admin, group.id, input({ subject: "group:developer", tool: "push_files", per_minute: 7 }));
    await deleteLimit(admin, everyone.id);
    await deleteLimit(admin, own.id);
    expect(await compiledLimits()).toEqual([{ subject: "developer", tool: "push_files", per_minute: 7 }]);
    const logged = await db().activityLog.findMany({ where: { action: { startsWith: "limit." } }, orderBy: { time: "asc" }, select: { action: true, before: true, after: true } });
    expect(logged.map((l) => l.action)).toEqual(["limit.create", "limit.create", "limit.create", "limit.update", "limit.delete", "limit.delete"]);
    expect(logged[3]).toMatchObject({ before: { per_minute: 5, concurrent: 2 }, after: { per_minute: 7 } });
    await deleteLimit(admin, group.id);
  });

  it("refuses a rule without a budget, an unknown subject and a second rule for the same subject and tool, saving nothing", async () => {
    const noBudget = limitInputSchema.safeParse({ subject: "*", tool: "*" });
    expect(noBudget.success).toBe(false);
    expect(noBudget.error!.issues[0]).toMatchObject({ path: ["per_minute"], message: "a limit needs at least one of per_minute, per_hour, per_day or concurrent" });
    expect(limitInputSchema.safeParse({ subject: "developer", per_minute: 1 }).success).toBe(false);
    expect(limitInputSchema.safeParse({ subject: "*", per_minute: 0 }).success).toBe(false);

    expect((await refusal(createLimit(admin, serverId, input({ subject: "group:nobody", per_minute: 1 })))).fields).toEqual({ subject: 'no group is named "nobody"' });
    await createLimit(admin, serverId, input({ subject: "*", tool: "search", per_minute: 1 }));
    const twin = await refusal(createLimit(admin, serverId, input({ subject: "*", tool: "search", per_hour: 9 })));
    expect([twin.status, twin.fields]).toEqual([409, { tool: "a limit for this subject and tool exists" }]);
    expect(await compiledLimits()).toEqual([{ subject: "*", tool: "search", per_minute: 1 }]);
  });

  it("a limit goes with its consumer: deleting the consumer deletes its rules and the config still compiles", async () => {
    const dave = await db().consumer.create({ data: { username: "dave" } });
    await createLimit(admin, serverId, input({ subject: "consumer:dave", concurrent: 1 }));
    await db().consumer.delete({ where: { id: dave.id } });
    expect((await compiledLimits())!.map((l) => l.subject)).not.toContain("dave");
  });
});
