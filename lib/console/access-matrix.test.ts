import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import { compileAcl, decideToolAccess } from "../core/acl/decide";
import type { CurrentUser } from "../auth/session";
import { compileConfig } from "../config/compile";
import { parseConfig } from "../core/config/schema";
import { loadConfigSnapshot } from "../controlplane/snapshot";
import { db, pool } from "../db/client";
import { loadAccessMatrix, saveAccessMatrix } from "./access-matrix";
import { ConsoleError } from "./errors";
import { OTHERS, setCell } from "./matrix-edit";
import { serverInputSchema } from "./schemas/server";
import { createServer } from "./servers";

let database: TestDatabase;
let alice: CurrentUser;
let bob: CurrentUser;
let serverId: string;
let server: { path: string };

async function user(email: string): Promise<CurrentUser> {
  const row = await db().user.create({ data: { email, role: "admin" } });
  return { id: row.id, email, name: "", role: "admin" };
}

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  [alice, bob] = [await user("alice@acl.test"), await user("bob@acl.test")];
  await db().consumerGroup.createMany({ data: [{ name: "admin" }, { name: "developer" }, { name: "contractor" }] });
  await db().consumer.create({ data: { username: "carol" } });
  const name = `gh-${randomBytes(3).toString("hex")}`;
  server = { path: `/${name}` };
  serverId = (await createServer(alice, serverInputSchema.parse({ name, path: `/${name}`, upstream: "https://api.githubcopilot.com/mcp/", auth: { mode: "passthrough" } }))).id;
  await db().tool.createMany({
    data: ["push_files", "search_repositories"].map((toolName) => ({ serverId, name: toolName, inputSchemaHash: "sha256:x" })),
  });
});

afterAll(async () => {
  await db().$disconnect();
  await pool().end();
  await database?.drop();
});

describe("saving the tool access matrix", () => {
  it("stores the cells, bumps the version and logs before/after; a save from a stale version gets 409 and changes nothing", async () => {
    const loaded = (await loadAccessMatrix(serverId))!;
    expect(loaded.version).toBe(0);
    expect(loaded.matrix.groups).toEqual(["admin", "contractor", "developer"]);
    expect(loaded.tools.map((t) => t.name)).toEqual(["push_files", "search_repositories"]);
    // A new server is closed: its default row denies everyone else, which every group inherits.
    expect(loaded.matrix.defaultRow).toEqual({ groups: {}, others: "deny" });

    let edited = setCell(loaded.matrix, "*", OTHERS, "allow");
    edited = setCell(edited, "*", "developer", "deny");
    edited = setCell(edited, "push_files", "admin", "allow");
    edited = setCell(edited, "push_files", OTHERS, "deny");
    edited = { ...edited, tools: { ...edited.tools, push_files: { ...edited.tools.push_files!, consumers: { carol: "allow" } } } };
    expect(await saveAccessMatrix(alice, serverId, { version: 0, defaultRow: edited.defaultRow, tools: edited.tools })).toEqual({ version: 1 });

    const saved = (await loadAccessMatrix(serverId))!;
    expect(saved.version).toBe(1);
    expect(saved.matrix.defaultRow).toEqual({ groups: { developer: "deny" }, others: "allow" });
    expect(saved.matrix.tools).toEqual({ push_files: { groups: { admin: "allow" }, others: "deny", consumers: { carol: "allow" } } });

    // Bob started from version 0 too: his save is refused, and Alice's cells stay.
    const stale = setCell(loaded.matrix, "search_repositories", "contractor", "deny");
    const error = await saveAccessMatrix(bob, serverId, { version: 0, defaultRow: stale.defaultRow, tools: stale.tools }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsoleError);
    expect((error as ConsoleError).status).toBe(409);
    expect((error as ConsoleError).message).toContain("Someone else saved this access matrix");
    expect((await loadAccessMatrix(serverId))!.matrix).toEqual(saved.matrix);

    const log = await db().activityLog.findMany({ where: { entityId: serverId, action: "acl.update" } });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      actorEmail: "alice@acl.test",
      before: { version: 0, cells: { "*": { "(everyone else)": "deny" } } },
      after: {
        version: 1,
        cells: { "*": { developer: "deny", "(everyone else)": "allow" }, push_files: { admin: "allow", "(everyone else)": "deny", "consumer:carol": "allow" } },
      },
    });
  });

  it("refuses a matrix naming a group that no longer exists, without bumping the version", async () => {
    const { version, matrix } = (await loadAccessMatrix(serverId))!;
    const edited = setCell(matrix, "push_files", "ghosts", "allow");
    const error = await saveAccessMatrix(alice, serverId, { version, defaultRow: edited.defaultRow, tools: edited.tools }).catch((e: unknown) => e);
    expect((error as ConsoleError).code).toBe("conflict");
    expect((error as ConsoleError).message).toContain('group "ghosts"');
    expect((await loadAccessMatrix(serverId))!.version).toBe(version);
  });

  it("compiles, with everything else the console stores, into a valid gateway config that decides like the matrix", async () => {
    const name = `konnect-${randomBytes(3).toString("hex")}`;
    await createServer(
      alice,
      serverInputSchema.parse({
        name,
        path: `/${name}`,
        upstream: "https://us.mcp.konghq.com/",
        auth: {
          mode: "token_swap",
          issuer: "https://idp.example.com",
          jwks: { uri: "https://idp.example.com/certs" },
          audience: "https://gw.example.com/konnect",
          consumer_groups_claim: "groups",
          unknown_consumer: "carol",
        },
        cors: { origins: ["https://agents.example.com"] },
      }),
    );
    const config = parseConfig(compileConfig(await loadConfigSnapshot(db())));
    if (!config.ok) throw new Error(config.problems.join("\n"));
    const github = config.config.servers.find((s) => s.path === server.path)!;
    expect(config.config.servers.find((s) => s.name === name)!.auth).toMatchObject({ mode: "token_swap", unknown_consumer: "carol" });
    const acl = compileAcl(github.acl);
    expect(decideToolAccess(acl, "push_files", { username: "dave", groups: ["admin"] }).allowed).toBe(true);
    // contractor inherits the row's "everyone else: deny", and deny wins over admin's allow
    expect(decideToolAccess(acl, "push_files", { username: "dave", groups: ["admin", "contractor"] }).allowed).toBe(false);
    expect(decideToolAccess(acl, "push_files", { username: "carol", groups: [] }).allowed).toBe(true);
    expect(decideToolAccess(acl, "search_repositories", { username: "dave", groups: ["developer"] }).allowed).toBe(false);
    expect(decideToolAccess(acl, "search_repositories", { username: "dave", groups: ["admin"] }).allowed).toBe(true);
  });
});
