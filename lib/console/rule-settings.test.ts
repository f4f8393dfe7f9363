// Conditions and redaction settings stored by the console: compiled into the
// configuration the gateways load, and refused with a field error (nothing
// saved) when the gateways would refuse the result or the tool's schema shows
// a mistake.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import type { CurrentUser } from "../auth/session";
import { compileConfig } from "../config/compile";
import { parseConfig } from "../core/config/schema";
import { loadConfigSnapshot } from "../controlplane/snapshot";
import { db, pool } from "../db/client";
import { loadAccessMatrix, saveAccessMatrix } from "./access-matrix";
import { ConsoleError } from "./errors";
import { OTHERS, setCell } from "./matrix-edit";
import { saveRuleSettings, saveSecretPatterns, saveServerRedaction, readSecretPatterns } from "./rule-settings";
import { saveRuleSettingsSchema, secretPatternsSchema } from "./schemas/rule-settings";
import { serverInputSchema } from "./schemas/server";
import { createServer } from "./servers";
import { parseOrThrow } from "./validation";

let database: TestDatabase;
let alice: CurrentUser;
let serverId: string;
let serverName: string;

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  const row = await db().user.create({ data: { email: "alice@rules.test", role: "admin" } });
  alice = { id: row.id, email: row.email, name: "", role: "admin" };
  await db().consumerGroup.createMany({ data: [{ name: "developer" }, { name: "contractor" }] });
  serverName = `gh-${randomBytes(3).toString("hex")}`;
  serverId = (
    await createServer(alice, serverInputSchema.parse({ name: serverName, path: `/${serverName}`, upstream: "https://api.githubcopilot.com/mcp/", auth: { mode: "passthrough" } }))
  ).id;
  await db().tool.create({
    data: {
      serverId,
      name: "push_files",
      inputSchemaHash: "sha256:x",
      inputSchema: { type: "object", properties: { owner: { type: "string" }, branch: { type: "string" }, per_page: { type: "integer" } } },
    },
  });
  await db().tool.create({ data: { serverId, name: "search_code", inputSchemaHash: "sha256:y" } });
  // developer may push, contractor may not; search_code is closed to everyone (its deny-condition will open it).
  const loaded = (await loadAccessMatrix(serverId))!;
  let matrix = setCell(loaded.matrix, "push_files", "developer", "allow");
  matrix = setCell(matrix, "push_files", "contractor", "deny");
  matrix = setCell(matrix, "search_code", OTHERS, "deny");
  await saveAccessMatrix(alice, serverId, { version: loaded.version, defaultRow: matrix.defaultRow, tools: matrix.tools });
});

afterAll(async () => {
  await db().$disconnect();
  await pool().end();
  await database?.drop();
});

const save = (body: unknown) => saveRuleSettings(alice, serverId, parseOrThrow(saveRuleSettingsSchema, body));

async function compiledServer() {
  const parsed = parseConfig(compileConfig(await loadConfigSnapshot(db())));
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.config.servers.find((s) => s.name === serverName)!;
}

async function refusal(write: Promise<unknown>): Promise<ConsoleError> {
  const error = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConsoleError);
  return error as ConsoleError;
}

describe("conditions on the matrix's rules", () => {
  it("compiles an allow-condition and a deny-condition onto their rules, as the gateway schema reads them", async () => {
    await save({
      tool: "push_files",
      condition: { effect: "allow", expression: 'args.owner == "acme" && !(args.branch in ["main", "master"])', message: "acme's feature branches only" },
    });
    await save({ tool: "search_code", condition: { effect: "deny", expression: 'args.q.contains("password")' }, redactArgs: ["args.q"] });
    const server = await compiledServer();
    expect(server.acl.tools).toEqual([
      {
        name: "push_files",
        allow: ["developer"],
        deny: ["contractor"],
        when: 'args.owner == "acme" && !(args.branch in ["main", "master"])',
        message: "acme's feature branches only",
      },
      { name: "search_code", deny: ["*"], when: 'args.q.contains("password")', redact_args: ["args.q"] },
    ]);
    expect((await loadAccessMatrix(serverId))!.settings.conditions.push_files).toEqual({
      effect: "allow",
      expression: expect.stringContaining("acme"),
      message: "acme's feature branches only",
    });
  });

  it.each([
    ["a syntax error (the gateway's own validation)", { tool: "push_files", condition: { effect: "allow", expression: 'args.owner == "acme" &&' } }, /syntax error/],
    [
      "a type error against the tool's inputSchema",
      { tool: "push_files", condition: { effect: "allow", expression: 'args.per_page <= "100"' } },
      /no matching overload for '_<=_' applied to '\(double, string\)'/,
    ],
    ["a field the schema does not declare", { tool: "push_files", condition: { effect: "allow", expression: 'args.ownr == "acme"' } }, /undefined field 'ownr'/],
    ["a deny-condition on a row that admits only some callers", { tool: "push_files", condition: { effect: "deny", expression: "true" } }, /everyone else is allowed/],
    ["an allow-condition on a default rule that denies everyone", { tool: "*", condition: { effect: "allow", expression: "true" } }, /admit no one/],
  ])("refuses %s with a field error and saves nothing", async (_, body, message) => {
    const before = await compiledServer();
    const error = await refusal(save(body));
    expect(error.fields?.["condition.expression"]).toMatch(message);
    expect(await compiledServer()).toEqual(before);
  });

  it("refuses a matrix save that would leave a condition its row cannot carry", async () => {
    const loaded = (await loadAccessMatrix(serverId))!;
    // search_code's deny-condition needs everyone else allowed; make it admit only developer.
    let matrix = setCell(loaded.matrix, "search_code", OTHERS, "deny");
    matrix = setCell(matrix, "search_code", "developer", "allow");
    const error = await refusal(saveAccessMatrix(alice, serverId, { version: loaded.version, defaultRow: matrix.defaultRow, tools: matrix.tools }));
    expect(error.message).toMatch(/acl\.tools\[1\]\.when: a deny-condition needs a row whose everyone else is allowed/);
    expect((await loadAccessMatrix(serverId))!.version).toBe(loaded.version);
  });

  it("clears a condition with null: the row's denial is unconditional again, its redacted paths stay", async () => {
    await save({ tool: "search_code", condition: null, redactArgs: ["args.q"] });
    const server = await compiledServer();
    expect(server.acl.tools.find((t) => t.name === "search_code")).toEqual({ name: "search_code", deny: ["*"], redact_args: ["args.q"] });
  });
});

describe("redaction settings", () => {
  it("compiles the server's result_redaction and audit_arguments, and leaves them out when off", async () => {
    await saveServerRedaction(alice, serverId, { resultRedaction: "secrets", auditArguments: true });
    expect(await compiledServer()).toMatchObject({ result_redaction: "secrets", audit_arguments: true });
    await saveServerRedaction(alice, serverId, { resultRedaction: "off", auditArguments: false });
    const document = compileConfig(await loadConfigSnapshot(db()));
    expect(document.servers!.find((s) => s.name === serverName)).not.toHaveProperty("result_redaction");
  });

  it("stores the secret patterns, compiled sorted; refuses an unusable one by field", async () => {
    await saveSecretPatterns(
      alice,
      parseOrThrow(secretPatternsSchema, {
        patterns: [
          { name: "zeta", pattern: "zeta_[0-9]{8}" },
          { name: "acme", pattern: "acme_live_[0-9a-f]{16}" },
        ],
      }),
    );
    expect(compileConfig(await loadConfigSnapshot(db())).secret_patterns).toEqual([
      { name: "acme", pattern: "acme_live_[0-9a-f]{16}" },
      { name: "zeta", pattern: "zeta_[0-9]{8}" },
    ]);
    expect(await readSecretPatterns()).toHaveLength(2);
    const slow = await refusal(
      Promise.resolve().then(() =>
        parseOrThrow(secretPatternsSchema, {
          patterns: [
            { name: "slow", pattern: "(a+)+b" },
            { name: "slow", pattern: "x" },
          ],
        }),
      ),
    );
    expect(slow.fields).toEqual({ "patterns.0.pattern": expect.stringMatching(/may not quantify a group/), "patterns.1.name": 'another pattern is named "slow"' });
  });

  it("refuses argument paths on the default rule, and paths that are not argument paths", async () => {
    const bad = await refusal(Promise.resolve().then(() => parseOrThrow(saveRuleSettingsSchema, { tool: "push_files", condition: null, redactArgs: ["content"] })));
    expect(bad.fields?.["redactArgs.0"]).toMatch(/an argument path/);
    const onDefault = await refusal(Promise.resolve().then(() => parseOrThrow(saveRuleSettingsSchema, { tool: "*", condition: null, redactArgs: ["args.content"] })));
    expect(onDefault.fields?.redactArgs).toMatch(/not the default/);
  });
});
