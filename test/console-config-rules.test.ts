// Every rule of the gateway configuration, tried through the console's API
// (a real `next start` on a real PostgreSQL): a write whose result the
// gateways would refuse is refused with the problem on the form's field,
// and nothing of it is saved; a new server starts closed.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { hashPassword } from "../lib/auth/password";
import { configHash } from "../lib/core/config/canonical";
import { compileConfig } from "../lib/config/compile";
import { loadConfigSnapshot } from "../lib/controlplane/snapshot";
import { publishConfigVersion } from "../lib/controlplane/versions";
import { createDb, type Db } from "../lib/db/client";
import { signInToConsole, type ConsoleSession } from "../demo/console-session";
import { createTestDatabase, type TestDatabase } from "./support/database";
import { startConsole, type ConsoleProcess } from "./support/product-processes";

const ROOT = path.resolve(import.meta.dirname, "..");
const baseDir = path.join(ROOT, ".portcullis/test", `rules-${randomBytes(4).toString("hex")}`);
const admin = { email: "rules-admin@example.com", password: randomBytes(12).toString("base64url") };

let database: TestDatabase;
let db: Db;
let cp: ConsoleProcess;
let session: ConsoleSession;

interface Refusal {
  error: { code: string; message: string; fields?: Record<string, string> };
}

const passthrough = (name: string, over: object = {}) => ({ name, path: `/${name}`, upstream: "https://mcp.example.com/mcp", auth: { mode: "passthrough" }, ...over });
const swapAuth = { mode: "token_swap", issuer: "https://idp.example.com", jwks: { uri: "https://idp.example.com/jwks" } };

/** What a refused write must leave as it was: the rows the console compiles and the published versions. */
async function state() {
  const [servers, consumers, rules, versions] = await Promise.all([
    db.mcpServer.findMany({ orderBy: { name: "asc" }, select: { name: true, upstreamHeaders: true, authSettings: true, updatedAt: true } }),
    db.consumer.findMany({ orderBy: { username: "asc" }, select: { username: true, disabledAt: true } }),
    db.aclOthersRule.count(),
    db.configVersion.count(),
  ]);
  return { servers, consumers, rules, versions };
}

async function refused(method: string, url: string, body?: unknown): Promise<Refusal["error"]> {
  const before = await state();
  const response = await session.json<Refusal>(method, url, body);
  expect(response.status).toBe(400);
  expect(await state()).toEqual(before);
  return response.body.error;
}

async function ok<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await session.json<T>(method, url, body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  await db.user.create({ data: { email: admin.email, role: "admin", passwordHash: await hashPassword(admin.password) } });
  await publishConfigVersion(db, { reason: "startup" });
  cp = await startConsole({ databaseUrl: database.url, dataDir: path.join(baseDir, "console"), masterKey: randomBytes(32).toString("hex") });
  session = await signInToConsole(cp.url, admin.email, admin.password);
}, 240_000);

afterAll(async () => {
  await cp?.stop();
  await db?.$disconnect();
  await database?.drop();
  fs.rmSync(baseDir, { recursive: true, force: true });
});

describe("a console write the gateways would refuse", () => {
  it.each([
    ["HashiCorp Vault", "Bearer {vault://hcv/github/token}"],
    ["environment", "Bearer {vault://env/GITHUB_TOKEN}"],
    ["built-in vault", "Bearer {vault://portcullis/github-token}"],
  ])("refuses a passthrough server with an Authorization header from the %s, on the header's field", async (_, value) => {
    const error = await refused("POST", "/api/servers", passthrough(`gh-${randomBytes(3).toString("hex")}`, { upstream_headers: { Authorization: value } }));
    expect(error.fields?.["upstream_headers.Authorization"]).toMatch(/^Authorization carries a credential the caller brings on a passthrough route/);
  });

  it("refuses the same header added to an existing server, and keeps the server as it was", async () => {
    const { server } = await ok<{ server: { id: string } }>("POST", "/api/servers", passthrough("existing"));
    const error = await refused("PATCH", `/api/servers/${server.id}`, passthrough("existing", { upstream_headers: { authorization: "Bearer {vault://hcv/x/y}" } }));
    expect(Object.keys(error.fields ?? {})).toEqual(["upstream_headers.authorization"]);
  });

  it("refuses a token-swap route whose audience would come from the Host header (the gateway's own rule), on the audience field", async () => {
    const error = await refused("POST", "/api/servers", passthrough("konnect", { auth: swapAuth }));
    expect(error.fields).toEqual({ "auth.audience": expect.stringMatching(/^set an audience, or a public URL for the gateway/) });
    await ok("POST", "/api/servers", passthrough("konnect", { auth: { ...swapAuth, audience: "https://gw.example.com/konnect" } }));
  });

  it.each([
    [
      "token swap without a way to validate tokens",
      passthrough("s1", { auth: { mode: "token_swap", issuer: "https://idp.example.com", audience: "a" } }),
      "auth.introspection",
      "needs `introspection` or `jwks`",
    ],
    ["Authorization as the API key header", passthrough("s2", { auth: { mode: "passthrough", key_header: "Authorization" } }), "auth.key_header", "cannot be Authorization"],
    ["a malformed vault reference", passthrough("s3", { upstream_headers: { "X-Token": "{vault://nowhere/x}" } }), "upstream_headers.X-Token", "malformed vault reference"],
    ["a reserved route path", passthrough("s4", { path: "/.well-known/x" }), "path", "reserved"],
    [
      "an unknown consumer for unknown callers",
      passthrough("s5", { auth: { ...swapAuth, audience: "a", unknown_consumer: "ghost" } }),
      "auth.unknown_consumer",
      '"ghost" is not a consumer',
    ],
  ])("refuses %s, on its field", async (_, body, field, message) => {
    const error = await refused("POST", "/api/servers", body);
    expect(error.fields?.[field]).toContain(message);
  });

  it("refuses a duplicate route path (paths compare case-insensitively) with 409 on the path field", async () => {
    await ok("POST", "/api/servers", passthrough("first"));
    const response = await session.json<Refusal>("POST", "/api/servers", passthrough("second", { path: "/FIRST" }));
    expect(response.status).toBe(409);
    expect(response.body.error.fields?.path).toContain("first already uses");
  });

  it("refuses removing the consumer a token-swap route's unknown callers act as, naming the server", async () => {
    const { consumer } = await ok<{ consumer: { id: string } }>("POST", "/api/consumers", { username: "fallback" });
    await ok("POST", "/api/servers", passthrough("swap-fallback", { auth: { ...swapAuth, audience: "https://gw.example.com/s", unknown_consumer: "fallback" } }));
    for (const [method, body] of [
      ["DELETE", undefined],
      ["PATCH", { username: "renamed" }],
    ] as const) {
      const error = await refused(method, `/api/consumers/${consumer.id}`, body);
      expect(error.message).toContain('server "swap-fallback", auth.unknown_consumer: "fallback" is not a consumer');
    }
  });

  it("refuses an import the gateways would refuse, at preview and at apply", async () => {
    const text = stringify({ version: 1, servers: [passthrough("imported", { auth: swapAuth })] });
    const preview = await refused("POST", "/api/config/import", { text, mode: "preview" });
    expect(preview.message).toContain('server "imported", auth.audience: set an audience');
    const currentHash = configHash(compileConfig(await loadConfigSnapshot(db)));
    const apply = await refused("POST", "/api/config/import", { text, mode: "apply", expectedCurrentHash: currentHash });
    expect(apply.message).toContain('server "imported", auth.audience');
  });
});

describe("a new server", () => {
  const matrixOf = (id: string) => ok<{ matrix: { defaultRow: unknown; tools: Record<string, unknown> } }>("GET", `/api/servers/${id}/acl`);

  it("denies every group and everyone else until an admin opens tools", async () => {
    await ok("POST", "/api/groups", { name: "developers", description: "" });
    const { server } = await ok<{ server: { id: string } }>("POST", "/api/servers", passthrough("closed"));
    expect((await matrixOf(server.id)).matrix.defaultRow).toEqual({ groups: {}, others: "deny" });
    const latest = await db.configVersion.findFirstOrThrow({ orderBy: { number: "desc" } });
    const compiled = (latest.document as { servers: { name: string; acl: unknown }[] }).servers.find((s) => s.name === "closed");
    expect(compiled?.acl).toEqual({ default: { deny: ["*"] }, tools: [] });
  });

  it("can start with a copy of another server's access, every row", async () => {
    const { server: source } = await ok<{ server: { id: string } }>("POST", "/api/servers", passthrough("source"));
    const saved = { version: 0, defaultRow: { groups: { developers: "allow" }, others: "deny" }, tools: { push_files: { groups: { developers: "deny" }, others: "inherit" } } };
    await ok("PUT", `/api/servers/${source.id}/acl`, saved);
    const { server: copy } = await ok<{ server: { id: string } }>("POST", "/api/servers", { ...passthrough("copy"), copy_access_from: source.id });
    const copied = await matrixOf(copy.id);
    expect(copied.matrix.defaultRow).toEqual(saved.defaultRow);
    expect(copied.matrix.tools).toEqual(saved.tools);

    const error = await refused("POST", "/api/servers", { ...passthrough("orphan"), copy_access_from: "00000000-0000-4000-8000-000000000000" });
    expect(error.fields?.copy_access_from).toContain("does not exist");
  });

  it("leaves servers stored before closed defaults as they were", async () => {
    const legacy = await db.mcpServer.create({
      data: { name: "legacy", path: "/legacy", upstreamUrl: "https://mcp.example.com/mcp", authMode: "passthrough", authSettings: { key_header: "apikey" } },
    });
    await ok("PATCH", `/api/servers/${legacy.id}`, { ...passthrough("legacy"), timeout_ms: 5000 });
    expect((await matrixOf(legacy.id)).matrix.defaultRow).toEqual({ groups: {}, others: "inherit" });
  });
});
