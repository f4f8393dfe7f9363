// Control plane ↔ data planes end to end, with real processes: the console
// (next start on a real PostgreSQL) and gateway processes connected to it, an
// MCP upstream, and the MCP SDK client. Changes made through the console's API
// reach every data plane within 2 s; a data plane keeps serving (and keeps its
// audit events) while the console is down, boots from its last-known-good
// copy, refuses a configuration it cannot serve, and says so.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { fakeMcpServer } from "../gateway/test/support/fake-mcp-server";
import { startRecordingUpstream, type RecordingUpstream } from "../gateway/test/support/recording-upstream";
import type { Db } from "../lib/db/client";
import type { GatewayConfigInput } from "../lib/core/config/schema";
import { storeVersion } from "../lib/controlplane/versions";
import { signInToConsole, type ConsoleSession } from "../demo/console-session";
import { configurationApplied, createConsoleDatabase, importConfig, registerDataPlane } from "./support/console-api";
import type { TestDatabase } from "./support/database";
import { startConsole, startGateway, type ConsoleProcess, type GatewayProcess } from "./support/product-processes";

const ROOT = path.resolve(import.meta.dirname, "..");
const baseDir = path.join(ROOT, ".portcullis/test", `cp-${randomBytes(4).toString("hex")}`);
const masterKey = randomBytes(32).toString("hex");
const admin = { email: "cp-admin@example.com", password: randomBytes(12).toString("base64url") };

let database: TestDatabase;
let db: Db;
let upstream: RecordingUpstream;
let cp: ConsoleProcess;
let session: ConsoleSession;
const gateways: GatewayProcess[] = [];
const tokens: Record<string, string> = {};

function configYaml(extraServers: object[] = []) {
  return stringify({
    version: 1,
    consumer_groups: [{ name: "admin" }, { name: "developer" }],
    consumers: [
      { username: "admin-user", groups: ["admin"], keys: [{ key: "admin-key-0001" }] },
      { username: "dev-user", groups: ["developer"], keys: [{ key: "dev-key-0001" }] },
    ],
    servers: [{ name: "fake", path: "/fake", upstream: upstream.url, auth: { mode: "passthrough" } }, ...extraServers],
  });
}

async function latestVersion(): Promise<number> {
  return (await db.configVersion.findFirstOrThrow({ orderBy: { number: "desc" } })).number;
}

async function mcpClient(gateway: GatewayProcess, key: string): Promise<Client> {
  const client = new Client({ name: "cp-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/fake`), {
    requestInit: { headers: { apikey: key, authorization: "Bearer upstream-token" } },
  });
  await client.connect(transport);
  return client;
}

async function toolNames(gateway: GatewayProcess, key: string): Promise<string[]> {
  const client = await mcpClient(gateway, key);
  try {
    return (await client.listTools()).tools.map((t) => t.name);
  } finally {
    await client.close();
  }
}

function callTool(gateway: GatewayProcess, key: string, name: string) {
  return fetch(`${gateway.url}/fake`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", apikey: key, authorization: "Bearer upstream-token" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: {} } }),
  });
}

async function startDataPlane(name: string, dataDir = path.join(baseDir, name)): Promise<GatewayProcess> {
  const gateway = await startGateway({ cpUrl: cp.url, token: tokens[name]!, dataDir, masterKey });
  gateways.push(gateway);
  return gateway;
}

/** Polls for a condition nothing announces (rows appearing in the database). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  ({ database, db } = await createConsoleDatabase([{ email: admin.email, role: "admin" }], admin.password));
  upstream = await startRecordingUpstream(fakeMcpServer);
  cp = await startConsole({ databaseUrl: database.url, dataDir: path.join(baseDir, "console"), masterKey });
  session = await signInToConsole(cp.url, admin.email, admin.password);
  await importConfig(session, configYaml());
  for (const name of ["dp-a", "dp-b"]) tokens[name] = await registerDataPlane(session, name);
}, 240_000);

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  await cp?.stop();
  await upstream?.close();
  await db?.$disconnect();
  await database?.drop();
  fs.rmSync(baseDir, { recursive: true, force: true });
});

describe("control plane ↔ data planes", () => {
  it("pushes the current version at connect, and an ACL change and a key revocation to both data planes within 2 s", async () => {
    const version = await latestVersion();
    const [a, b] = await Promise.all([startDataPlane("dp-a"), startDataPlane("dp-b")]);
    await Promise.all([a.waitFor(configurationApplied(version)), b.waitFor(configurationApplied(version))]);
    expect(await toolNames(a, "dev-key-0001")).toContain("push_files");
    // One config hash: /status reports the hash the console stored for the version.
    const stored = await db.configVersion.findUniqueOrThrow({ where: { number: version }, select: { hash: true } });
    const reported = (await (await fetch(a.statusUrl)).json()) as { config: { hash: string }; control_plane: { applied: { hash: string } } };
    expect([reported.config.hash, reported.control_plane.applied.hash]).toEqual([stored.hash, stored.hash]);

    const server = await db.mcpServer.findUniqueOrThrow({ where: { name: "fake" } });
    const matrix = await session.json<{ version: number; matrix: { defaultRow: object } }>("GET", `/api/servers/${server.id}/acl`);
    const started = performance.now();
    const saved = await session.json("PUT", `/api/servers/${server.id}/acl`, {
      version: matrix.body.version,
      defaultRow: matrix.body.matrix.defaultRow,
      tools: { push_files: { groups: { developer: "deny" }, others: "inherit" } },
    });
    expect(saved.status).toBe(200);
    const aclVersion = await latestVersion();
    await Promise.all([a.waitFor(configurationApplied(aclVersion)), b.waitFor(configurationApplied(aclVersion))]);
    const aclMs = performance.now() - started;
    console.log(`ACL change applied by both data planes ${aclMs.toFixed(0)} ms after the save was sent`);
    expect(aclMs).toBeLessThan(2000);
    for (const gateway of [a, b]) {
      expect(await toolNames(gateway, "dev-key-0001")).not.toContain("push_files");
      const denied = (await (await callTool(gateway, "dev-key-0001", "push_files")).json()) as { error: { code: number; message: string } };
      expect(denied.error).toMatchObject({ code: -32602, message: "Tool 'push_files' is not available for consumer group 'developer'" });
    }

    const key = await db.apiKey.findFirstOrThrow({ where: { consumer: { username: "dev-user" }, revokedAt: null } });
    const revokeStarted = performance.now();
    expect((await session.json("DELETE", `/api/consumers/${key.consumerId}/keys/${key.id}`)).status).toBe(200);
    const revokedVersion = await latestVersion();
    await Promise.all([a.waitFor(configurationApplied(revokedVersion)), b.waitFor(configurationApplied(revokedVersion))]);
    const revokeMs = performance.now() - revokeStarted;
    console.log(`key revocation applied by both data planes ${revokeMs.toFixed(0)} ms after the request was sent`);
    expect(revokeMs).toBeLessThan(2000);
    for (const gateway of [a, b]) expect((await callTool(gateway, "dev-key-0001", "search_repositories")).status).toBe(403);

    const planes = await session.json<{ planes: { name: string; state: string; appliedVersion: number }[] }>("GET", "/api/data-planes");
    expect(planes.body.planes.filter((p) => p.name.startsWith("dp-")).map((p) => [p.name, p.state, p.appliedVersion])).toEqual([
      ["dp-a", "in_sync", revokedVersion],
      ["dp-b", "in_sync", revokedVersion],
    ]);
  });

  it("refuses the data-plane endpoints without a valid data-plane token, whatever else is sent", async () => {
    const revoked = await session.json<{ id: string; token: string }>("POST", "/api/data-planes", { name: "dp-revoked" });
    expect((await session.json("DELETE", `/api/data-planes/${revoked.body.id}`)).status).toBe(200);
    for (const authorization of [undefined, "Bearer pcdp_" + "x".repeat(32), `Bearer ${revoked.body.token}`, `Basic ${tokens["dp-a"]}`]) {
      const response = await fetch(`${cp.url}/api/dp/v1/config`, { headers: authorization ? { authorization } : {} });
      expect(response.status, authorization).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
    }
    const postEvents = (body: unknown) =>
      fetch(`${cp.url}/api/dp/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens["dp-a"]}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const malformed = await postEvents({ events: "not-a-list" });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { message: string } }).error.message).toBe("Malformed event batch.");
    // An invalid event is reported by its index, not a refusal of the batch.
    const invalid = await postEvents({ events: [{ id: "not-a-uuid" }] });
    expect(invalid.status).toBe(200);
    expect(await invalid.json()).toMatchObject({ inserted: 0, duplicates: 0, invalid: [{ index: 0 }] });
  });

  it("refuses a change the gateways would refuse; a version refused anyway keeps the previous one, and every console page says so", async () => {
    const [a] = gateways;
    // Valid for the schema, refused by a gateway's deployment rule: a token-swap route with neither audience nor public URL.
    const swap = {
      name: "idp",
      path: "/idp",
      upstream: upstream.url,
      auth: { mode: "token_swap", issuer: "https://idp.example.com", jwks: { uri: "https://idp.example.com/jwks" } },
    };
    const before = await latestVersion();
    const refused = await session.json<{ error: { message: string } }>("POST", "/api/config/import", { text: configYaml([swap]), mode: "preview" });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('server "idp", auth.audience: set an audience, or a public URL for the gateway');
    expect(await latestVersion()).toBe(before);

    // Published past the console's check (say, by an older console): the gateways refuse it themselves.
    const running = await db.configVersion.findFirstOrThrow({ orderBy: { number: "desc" } });
    const document = running.document as { servers: object[] };
    const bad = await db.$transaction((tx) =>
      storeVersion(tx, { ...document, servers: [...document.servers, swap] } as GatewayConfigInput, { reason: "test: refused by the gateways" }),
    );
    await a!.waitFor(/configuration from the control plane refused/);
    const planes = await session.json<{ planes: { name: string; state: string; reason: string }[] }>("GET", "/api/data-planes");
    const dpA = planes.body.planes.find((p) => p.name === "dp-a")!;
    expect(dpA.state).toBe("failed");
    expect(dpA.reason).toContain("servers[1].auth.audience");
    // Still serving the previous version: the admin key works, and the upstream sees the call.
    expect((await callTool(a!, "admin-key-0001", "search_repositories")).status).toBe(200);

    const pageText = async (path: string) => {
      const page = await session.text(path);
      expect(page.status).toBe(200);
      return page.body
        .replace(/<!-- -->/g, "")
        .replace(/<[^>]+>/g, " ")
        .replace(/\s+/g, " ");
    };
    for (const path of ["/servers", "/consumers", "/my-access"]) {
      expect(await pageText(path)).toMatch(
        new RegExp(
          `Gateways? [a-z, -]*dp-a[a-z, -]* refused the published configuration — refused version ${bad.number}: servers\\[1\\]\\.auth\\.audience: .* still runs? version ${running.number}`,
        ),
      );
    }
    const dashboard = await pageText("/");
    expect(dashboard.indexOf("Needs attention")).toBeGreaterThan(-1);
    // First on the dashboard: above its tiles (the first of which, "Is anything wrong?", heads them).
    expect(dashboard.indexOf("Is anything wrong?")).toBeGreaterThan(-1);
    expect(dashboard.indexOf("Needs attention")).toBeLessThan(dashboard.indexOf("Is anything wrong?"));

    await importConfig(session, configYaml());
    await a!.waitFor(configurationApplied(await latestVersion()));
    const after = await session.json<{ planes: { name: string; state: string }[] }>("GET", "/api/data-planes");
    expect(after.body.planes.find((p) => p.name === "dp-a")!.state).toBe("in_sync");
  });

  it("serves with the console down, delivers the buffered audit events when it is back, and boots from last-known-good", async () => {
    const [a, b] = gateways;
    const before = await db.auditEvent.count({ where: { consumerName: "admin-user" } });
    const statuses: number[] = [];
    for (let i = 0; i < 120; i++) {
      if (i === 40) await cp.stop("SIGKILL");
      statuses.push((await callTool(a!, "admin-key-0001", "search_repositories")).status);
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    // A data plane restarted while the console is down serves its last-known-good copy.
    await b!.stop();
    gateways.splice(gateways.indexOf(b!), 1);
    const restarted = await startDataPlane("dp-b");
    expect(await toolNames(restarted, "admin-key-0001")).toContain("push_files");
    const status = (await (await fetch(restarted.statusUrl)).json()) as { ready: boolean; control_plane: { connected: boolean; applied: { from: string } } };
    expect(status).toMatchObject({ ready: true, control_plane: { connected: false, applied: { from: "last-known-good" } } });

    // One started with no copy and no console says so, and refuses traffic rather than guessing.
    const fresh = await startDataPlane("dp-a", path.join(baseDir, "fresh"));
    const freshStatus = await fetch(fresh.statusUrl);
    expect(freshStatus.status).toBe(503);
    expect(((await freshStatus.json()) as { reason: string }).reason).toContain("waiting for the control plane");
    expect((await callTool(fresh, "admin-key-0001", "search_repositories")).status).toBe(503);

    cp = await startConsole({ databaseUrl: database.url, dataDir: path.join(baseDir, "console"), masterKey, port: Number(new URL(cp.url).port) });
    const delivered = await eventually(
      () => db.auditEvent.count({ where: { consumerName: "admin-user" } }),
      (n) => n >= before + 120,
      60_000,
    );
    expect(delivered - before).toBeGreaterThanOrEqual(120);
    await restarted.waitFor(/connected to the control plane/);
  }, 120_000);
});
