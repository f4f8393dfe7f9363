// The multi-gateway deployment with a control plane: one console on
// PostgreSQL, three gateways connected to it behind a real nginx (round
// robin), one Redis for their rate limits. An ACL change and a key revocation
// made in the console reach all three gateways within 2 s (measured, printed).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { fakeMcpServer } from "../../gateway/test/support/fake-mcp-server";
import { startRecordingUpstream, type RecordingUpstream } from "../../gateway/test/support/recording-upstream";
import { hashPassword } from "../../lib/auth/password";
import { publishConfigVersion } from "../../lib/controlplane/versions";
import { createDb, type Db } from "../../lib/db/client";
import { signInToConsole, type ConsoleSession } from "../../demo/console-session";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { startConsole, startGateway, type ConsoleProcess, type GatewayProcess } from "../support/product-processes";
import { startNginx, type Nginx } from "./support/nginx";
import { startRedis, type RedisProcess } from "./support/redis-server";

const ROOT = path.resolve(import.meta.dirname, "../..");
const baseDir = path.join(ROOT, ".portcullis/test", `cluster-cp-${randomBytes(4).toString("hex")}`);
const masterKey = randomBytes(32).toString("hex");
const admin = { email: "cluster-admin@example.com", password: randomBytes(12).toString("base64url") };

let database: TestDatabase;
let db: Db;
let upstream: RecordingUpstream;
let redis: RedisProcess;
let cp: ConsoleProcess;
let session: ConsoleSession;
let nginx: Nginx;
const gateways: GatewayProcess[] = [];

const configYaml = () =>
  stringify({
    version: 1,
    consumer_groups: [{ name: "developer" }],
    consumers: [{ username: "dev-user", groups: ["developer"], keys: [{ key: "dev-key-0001" }] }],
    servers: [{ name: "fake", path: "/fake", upstream: upstream.url, auth: { mode: "passthrough" } }],
  });

const applied = (version: number) => new RegExp(`"version":${version},"hash":"sha256:[0-9a-f]+","msg":"configuration applied"`);
const latestVersion = async () => (await db.configVersion.findFirstOrThrow({ orderBy: { number: "desc" } })).number;

function callTool(base: string, name: string) {
  return fetch(`${base}/fake`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", apikey: "dev-key-0001", authorization: "Bearer upstream-token" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: {} } }),
  });
}

/** Three calls through nginx: round robin gives one to each gateway. */
async function throughEachGateway(name: string) {
  const responses = [];
  for (let i = 0; i < 3; i++) responses.push(await callTool(nginx.url, name));
  return Promise.all(responses.map(async (r) => ({ status: r.status, body: (await r.json()) as { error?: { data?: { reason?: string } } } })));
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  await db.user.create({ data: { email: admin.email, role: "admin", passwordHash: await hashPassword(admin.password) } });
  await publishConfigVersion(db, { reason: "startup" });
  upstream = await startRecordingUpstream(fakeMcpServer);
  redis = await startRedis();
  cp = await startConsole({ databaseUrl: database.url, dataDir: path.join(baseDir, "console"), masterKey });
  session = await signInToConsole(cp.url, admin.email, admin.password);
  const preview = await session.json<{ currentHash: string }>("POST", "/api/config/import", { text: configYaml(), mode: "preview" });
  expect((await session.json("POST", "/api/config/import", { text: configYaml(), mode: "apply", expectedCurrentHash: preview.body.currentHash })).status).toBe(200);
  for (const name of ["gw-1", "gw-2", "gw-3"]) {
    const created = await session.json<{ token: string }>("POST", "/api/data-planes", { name });
    expect(created.status).toBe(200);
    gateways.push(await startGateway({ cpUrl: cp.url, token: created.body.token, dataDir: path.join(baseDir, name), masterKey, extraEnv: { PORTCULLIS_REDIS_URL: redis.url } }));
  }
  nginx = await startNginx(gateways.map((g) => Number(new URL(g.url).port)));
  const version = await latestVersion();
  await Promise.all(gateways.map((g) => g.waitFor(applied(version))));
}, 600_000);

afterAll(async () => {
  await nginx?.stop();
  await Promise.all(gateways.map((g) => g.stop()));
  await cp?.stop();
  await redis?.kill();
  await upstream?.close();
  await db?.$disconnect();
  await database?.drop();
  fs.rmSync(baseDir, { recursive: true, force: true });
});

describe("console + three gateways behind nginx + Redis", () => {
  it("an ACL change and a key revocation reach all three gateways within 2 s", async () => {
    expect((await throughEachGateway("push_files")).map((r) => r.status)).toEqual([200, 200, 200]);
    for (const g of gateways) {
      const status = (await (await fetch(g.statusUrl)).json()) as { rate_limits: { backend: string } };
      expect(status.rate_limits.backend).toBe("redis");
    }

    const server = await db.mcpServer.findUniqueOrThrow({ where: { name: "fake" } });
    const matrix = await session.json<{ version: number; matrix: { defaultRow: object } }>("GET", `/api/servers/${server.id}/acl`);
    const aclStarted = performance.now();
    const saved = await session.json("PUT", `/api/servers/${server.id}/acl`, {
      version: matrix.body.version,
      defaultRow: matrix.body.matrix.defaultRow,
      tools: { push_files: { groups: { developer: "deny" }, others: "inherit" } },
    });
    expect(saved.status).toBe(200);
    const aclVersion = await latestVersion();
    await Promise.all(gateways.map((g) => g.waitFor(applied(aclVersion))));
    const aclMs = performance.now() - aclStarted;
    console.log(`cluster: ACL change applied by all three gateways ${aclMs.toFixed(0)} ms after the save was sent`);
    expect(aclMs).toBeLessThan(2000);
    expect((await throughEachGateway("push_files")).map((r) => r.body.error?.data?.reason)).toEqual(["tool_denied", "tool_denied", "tool_denied"]);

    const key = await db.apiKey.findFirstOrThrow({ where: { consumer: { username: "dev-user" }, revokedAt: null } });
    const revokeStarted = performance.now();
    expect((await session.json("DELETE", `/api/consumers/${key.consumerId}/keys/${key.id}`)).status).toBe(200);
    const revokedVersion = await latestVersion();
    await Promise.all(gateways.map((g) => g.waitFor(applied(revokedVersion))));
    const revokeMs = performance.now() - revokeStarted;
    console.log(`cluster: key revocation applied by all three gateways ${revokeMs.toFixed(0)} ms after the request was sent`);
    expect(revokeMs).toBeLessThan(2000);
    expect((await throughEachGateway("search_repositories")).map((r) => r.status)).toEqual([403, 403, 403]);
  });
});
