import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import type { CurrentUser } from "../auth/session";
import { db, pool } from "../db/client";
import { checkCondition } from "./condition-check";
import { conditionCheckSchema } from "./schemas/condition-check";
import { serverInputSchema } from "./schemas/server";
import { createServer } from "./servers";

let database: TestDatabase;
let serverId: string;

const pushFilesSchema = {
  type: "object",
  properties: {
    owner: { type: "string" },
    branch: { type: "string" },
    per_page: { type: "integer" },
    files: { type: "array", items: { type: "object", properties: { path: { type: "string" } } } },
  },
};

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  const row = await db().user.create({ data: { email: "alice@conditions.test", role: "admin" } });
  const alice: CurrentUser = { id: row.id, email: row.email, name: "", role: "admin" };
  const name = `gh-${randomBytes(3).toString("hex")}`;
  serverId = (await createServer(alice, serverInputSchema.parse({ name, path: `/${name}`, upstream: "https://api.githubcopilot.com/mcp/", auth: { mode: "passthrough" } }))).id;
  await db().tool.create({ data: { serverId, name: "push_files", inputSchema: pushFilesSchema, inputSchemaHash: "sha256:x" } });
});

afterAll(async () => {
  await db().$disconnect();
  await pool().end();
  await database?.drop();
});

const check = (body: unknown) => checkCondition(serverId, conditionCheckSchema.parse(body));
const dev = { username: "dev-user", groups: ["developer"] };

describe("checking a condition in the editor", () => {
  it("reports a syntax error, then a type error against the tool's stored inputSchema, then accepts the fixed condition", async () => {
    await expect(check({ tool: "push_files", expression: 'args.owner == "acme" &&' })).resolves.toMatchObject({ ok: false, problem: { kind: "syntax" } });
    await expect(check({ tool: "push_files", expression: 'args.per_page <= "100"' })).resolves.toEqual({
      ok: false,
      problem: { kind: "type", message: "found no matching overload for '_<=_' applied to '(double, string)'" },
    });
    await expect(check({ tool: "push_files", expression: "args.per_page <= 100" })).resolves.toEqual({ ok: true, typedBy: "inputSchema" });
  });

  it("tries the condition on sample arguments: holds, does not hold, or fails (which the gateway refuses)", async () => {
    const expression = 'args.owner == "acme" && !(args.branch in ["main", "master"]) && "developer" in consumer.groups';
    await expect(check({ tool: "push_files", expression, sample: { args: { owner: "acme", branch: "feature/x" }, consumer: dev } })).resolves.toMatchObject({
      tried: { ok: true, holds: true },
    });
    await expect(check({ tool: "push_files", expression, sample: { args: { owner: "acme", branch: "main" }, consumer: dev } })).resolves.toMatchObject({
      tried: { ok: true, holds: false },
    });
    await expect(check({ tool: "push_files", expression, sample: { args: {}, consumer: dev } })).resolves.toMatchObject({ tried: { ok: false } });
  });

  it("types only the fixed variables for a tool it has no schema for, and says so", async () => {
    await expect(check({ tool: "unknown_tool", expression: "args.anything == 1" })).resolves.toEqual({ ok: true, typedBy: null });
    await expect(check({ expression: "tool == 1" })).resolves.toMatchObject({ ok: false, problem: { kind: "type" } });
  });

  it("refuses a server that does not exist", async () => {
    await expect(checkCondition("00000000-0000-0000-0000-000000000000", conditionCheckSchema.parse({ expression: "true" }))).rejects.toMatchObject({ code: "not_found" });
  });
});
