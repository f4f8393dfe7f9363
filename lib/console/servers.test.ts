import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import type { CurrentUser } from "../auth/session";
import { db, pool } from "../db/client";
import { saveAccessMatrix } from "./access-matrix";
import { ConsoleError } from "./errors";
import { compileConfig } from "../config/compile";
import { parseConfig } from "../core/config/schema";
import { loadConfigSnapshot } from "../controlplane/snapshot";
import { serverInputSchema, type ServerInput } from "./schemas/server";
import { createServer, deleteServer, getServer, updateServer } from "./servers";

let database: TestDatabase;
let actor: CurrentUser;

const settings = (over: Partial<ServerInput> = {}) => {
  const name = `gh-${randomBytes(3).toString("hex")}`;
  return serverInputSchema.parse({ name, path: `/${name}`, upstream: "https://api.githubcopilot.com/mcp/", auth: { mode: "passthrough" }, ...over });
};

async function refusal(promise: Promise<unknown>): Promise<ConsoleError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConsoleError);
  return error as ConsoleError;
}

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  const user = await db().user.create({ data: { email: "admin@servers.test", role: "admin" } });
  actor = { id: user.id, email: user.email, name: "", role: "admin" };
});

afterAll(async () => {
  await db().$disconnect();
  await pool().end();
  await database?.drop();
});

describe("MCP server writes", () => {
  it("store the settings and read them back in the config's shape, each write in the activity log", async () => {
    const created = settings({ upstream_headers: { "X-MCP-Toolsets": "repos" }, cors: { origins: ["https://agents.example.com"] } });
    const { id } = await createServer(actor, created);
    expect((await getServer(id)).settings).toEqual(created);

    const changed = { ...created, timeout_ms: 5000, auth: { mode: "passthrough" as const, key_header: "x-key", upstream_prm_ttl_seconds: 300 } };
    await updateServer(actor, id, changed);
    expect((await getServer(id)).settings).toEqual(changed);

    const log = await db().activityLog.findMany({ where: { entityId: id }, orderBy: { time: "asc" } });
    expect(log.map((e) => e.action)).toEqual(["server.create", "server.update"]);
    expect(log[1]).toMatchObject({ before: { timeout_ms: 60_000, auth: { key_header: "apikey" } }, after: { timeout_ms: 5000, auth: { key_header: "x-key" } } });
  });

  it("keep passthrough_credentials set by a config import when an admin edits the server", async () => {
    const swap = settings({
      auth: { mode: "token_swap", issuer: "https://idp.example.com", jwks: { uri: "https://idp.example.com/certs" }, audience: "https://gw.example.com/swap" },
    });
    const { id } = await createServer(actor, swap);
    const row = await db().mcpServer.findUniqueOrThrow({ where: { id } });
    await db().mcpServer.update({ where: { id }, data: { authSettings: { ...(row.authSettings as object), passthrough_credentials: true } } });
    expect(await getServer(id)).toMatchObject({ settings: swap, forwardsCallerToken: true });
    await updateServer(actor, id, { ...swap, timeout_ms: 1000 });
    expect((await getServer(id)).forwardsCallerToken).toBe(true);
  });

  it("refuse a route path another server uses, whatever its case, naming the field", async () => {
    const first = settings();
    await createServer(actor, first);
    const error = await refusal(createServer(actor, settings({ path: first.path.toUpperCase() })));
    expect(error.status).toBe(409);
    expect(error.fields?.path).toContain(`${first.name} already uses`);
  });

  it("refuse references to vault secrets and consumers that do not exist", async () => {
    const error = await refusal(
      createServer(
        actor,
        settings({
          upstream_headers: { "X-Api-Key": "{vault://portcullis/nope}" },
        }),
      ),
    );
    expect(error.fields).toEqual({ "upstream_headers.X-Api-Key": 'the vault has no secret named "nope"; create it on the Vault page first' });

    const swap = settings({
      auth: {
        mode: "token_swap",
        issuer: "https://idp.example.com",
        jwks: { uri: "https://idp.example.com/certs" },
        audience: "https://gw.example.com/swap",
        unknown_consumer: "ghost",
      },
    });
    expect((await refusal(createServer(actor, swap))).fields?.["auth.unknown_consumer"]).toContain('"ghost" is not a consumer');
    await db().consumer.create({ data: { username: "ghost" } });
    await db().secret.create({ data: { name: "nope", ciphertext: "v1:a:b:c" } });
    await createServer(actor, swap);
    await createServer(actor, settings({ upstream_headers: { "X-Api-Key": "{vault://portcullis/nope}" } }));
  });

  it("keep the deleted server's settings and access cells in the activity log", async () => {
    const created = settings();
    const { id } = await createServer(actor, created);
    await db().consumerGroup.create({ data: { name: `grp-${id.slice(0, 6)}` } });
    await saveAccessMatrix(actor, id, { version: 0, defaultRow: { groups: { [`grp-${id.slice(0, 6)}`]: "deny" }, others: "inherit" }, tools: {} });
    await deleteServer(actor, id);
    expect(await db().mcpServer.count({ where: { id } })).toBe(0);
    const entry = await db().activityLog.findFirstOrThrow({ where: { entityId: id, action: "server.delete" } });
    expect(entry.before).toMatchObject({ name: created.name, path: created.path, access: { "*": { [`grp-${id.slice(0, 6)}`]: "deny" } } });
    expect((await refusal(deleteServer(actor, id))).status).toBe(404);
  });

  it("store validated passthrough and token exchange settings, read them back, and compile them into the gateway's shape", async () => {
    await db().secret.create({ data: { name: "exchange-secret", ciphertext: "v1:a:b:c" } });
    const validated = settings({
      auth: {
        mode: "passthrough",
        validate: { issuer: "https://login.example.com", audience: "https://docs.example.com/mcp", jwks: { uri: "https://login.example.com/jwks" } },
        identity: "token",
        consumer_groups_claim: "groups",
      },
    });
    const exchanging = settings({
      auth: { mode: "token_swap", issuer: "https://idp.example.com", jwks: { uri: "https://idp.example.com/certs" }, audience: "https://gw.example.com/exchange" },
      upstream_credential: {
        token_exchange: {
          endpoint: "https://idp.example.com/token",
          client_id: "gw",
          client_secret: "{vault://portcullis/exchange-secret}",
          resource: "https://docs.example.com/mcp",
          actor_token: "{vault://portcullis/exchange-secret}",
          actor_token_type: "jwt",
        },
      },
    });
    for (const server of [validated, exchanging]) {
      const { id } = await createServer(actor, server);
      expect((await getServer(id)).settings).toEqual(server);
    }
    const config = compileConfig(await loadConfigSnapshot(db()));
    const compiled = parseConfig(config);
    if (!compiled.ok) throw new Error(compiled.problems.join("\n"));
    expect(compiled.config.servers.find((s) => s.name === validated.name)).toMatchObject({ auth: validated.auth });
    expect(compiled.config.servers.find((s) => s.name === exchanging.name)).toMatchObject({ auth: { mode: "token_swap" }, upstream_credential: exchanging.upstream_credential });
  });

  it("refuse an exchange or validation secret the vault lacks, and an unknown fallback consumer for identity from the token", async () => {
    const exchanging = settings({
      auth: { mode: "token_swap", issuer: "https://idp.example.com", jwks: { uri: "https://idp.example.com/certs" } },
      upstream_credential: {
        token_exchange: { endpoint: "https://idp.example.com/token", client_id: "gw", client_secret: "{vault://portcullis/missing-exchange}", audience: "docs" },
      },
    });
    expect((await refusal(createServer(actor, exchanging))).fields).toEqual({
      "upstream_credential.token_exchange.client_secret": 'the vault has no secret named "missing-exchange"; create it on the Vault page first',
    });
    const literalActor = serverInputSchema.safeParse({
      ...exchanging,
      upstream_credential: { token_exchange: { ...exchanging.upstream_credential!.token_exchange, actor_token: "eyJliteral" } },
    });
    expect(literalActor.error?.issues).toEqual([
      expect.objectContaining({ path: ["upstream_credential", "token_exchange", "actor_token"], message: expect.stringContaining("store the actor token in the vault") }),
    ]);
    const introspected = settings({
      auth: {
        mode: "passthrough",
        validate: {
          issuer: "https://login.example.com",
          audience: "a",
          introspection: { endpoint: "https://login.example.com/i", client_id: "gw", client_secret: "{vault://portcullis/missing-introspection}" },
        },
        identity: "token",
        unknown_consumer: "phantom",
      },
    });
    expect((await refusal(createServer(actor, introspected))).fields).toEqual({
      "auth.validate.introspection.client_secret": 'the vault has no secret named "missing-introspection"; create it on the Vault page first',
      "auth.unknown_consumer": '"phantom" is not a consumer; use "reject" or an existing consumer\'s username',
    });
  });
});
