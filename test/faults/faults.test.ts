// `npm run test:faults`: the product as `npm start` runs it, under steady MCP
// load from several SDK clients, while its parts fail one at a time — the
// console and PostgreSQL killed with SIGKILL (the launcher restarts them), the
// upstream, the organisation's IdP (a token-swap route) and Redis (the rate
// limiter's shared counters) killed and restarted, and the upstream's network
// delayed, reset and blackholed by a TCP fault proxy. Each fault prints one row: requests sent
// and answered, errors by status, audit events emitted and stored, time to
// recover. Then the console publishes a new configuration every second under
// load (FAULTS_CHURN_SECONDS, default 60) and every audited response names the
// one version that decided it.
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from "jose";
import pg from "pg";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInToConsole, type ConsoleSession } from "../../demo/console-session";
import { findFreePort } from "../../lib/net/ports";
import { launchProduct, type LaunchedProduct } from "../support/launched-product";
import { startFaultProxy, type FaultProxy } from "./support/fault-proxy";
import { startMcpLoad, type McpLoad } from "./support/mcp-load";
import { startRedis, type RedisProcess } from "../cluster/support/redis-server";
import { startServerProcess, startUpstreamProcess, type UpstreamProcess } from "./support/upstream-process";

const ROUTE_TIMEOUT_MS = 2000;
const FAULT_MS = 3000;
const RECOVERY_LIMIT_MS = 5000;
const CHURN_SECONDS = Number(process.env.FAULTS_CHURN_SECONDS ?? 60);
const API_KEY = "faults-dev-key-0001";

let product: LaunchedProduct;
let session: ConsoleSession;
let upstream: UpstreamProcess;
let proxy: FaultProxy;
let database: pg.Pool;
let redis: RedisProcess;
let idp: UpstreamProcess;
let idpIssuer: string;
let signingKey: JWK;
const rows: string[] = [];

/** `create_issue` is allowed for developers in odd versions of the churn, denied in even ones; `push_files` never. */
const configYaml = (createIssueAllowed: boolean) => {
  const acl = {
    default: { allow: ["developer"] },
    tools: [
      { name: "push_files", allow: ["admin"] },
      { name: "create_issue", allow: createIssueAllowed ? ["developer"] : ["admin"] },
    ],
  };
  const route = { upstream: `http://127.0.0.1:${proxy.port}/mcp`, timeout_ms: ROUTE_TIMEOUT_MS, acl };
  return stringify({
    version: 1,
    gateway: { public_url: product.gatewayUrl },
    consumer_groups: [{ name: "developer" }, { name: "admin" }],
    consumers: [{ username: "load-user", groups: ["developer"], keys: [{ key: API_KEY }] }],
    servers: [
      // A budget no run reaches, so every call is counted in Redis.
      { name: "faults", path: "/faults", ...route, auth: { mode: "passthrough" }, limits: [{ subject: "*", per_minute: 1_000_000 }] },
      { name: "faults-idp", path: "/faults-idp", ...route, auth: { mode: "token_swap", issuer: idpIssuer, jwks: { uri: `${idpIssuer}/jwks` } } },
    ],
  });
};

/** An access token of the IdP for the token-swap route, naming load-user (signed with the IdP's own key). */
async function idpToken(): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: "load-user", scope: "mcp", iss: idpIssuer, aud: `${product.gatewayUrl}/faults-idp`, iat: now - 5, exp: now + 3600 })
    .setProtectedHeader({ alg: "RS256", typ: "at+jwt", kid: signingKey.kid })
    .sign(await importJWK(signingKey, "RS256"));
}

async function importConfig(text: string) {
  const preview = await session.json<{ currentHash: string }>("POST", "/api/config/import", { text, mode: "preview" });
  expect(preview.status, JSON.stringify(preview.body)).toBe(200);
  const applied = await session.json("POST", "/api/config/import", { text, mode: "apply", expectedCurrentHash: preview.body.currentHash });
  expect(applied.status, JSON.stringify(applied.body)).toBe(200);
  const { rows } = await database.query<{ number: number }>(`SELECT max(number)::int AS number FROM "ConfigVersion"`);
  return rows[0]!.number;
}

async function gatewayStatus() {
  return (await (await fetch(product.statusUrl)).json()) as {
    control_plane?: { applied?: { version: number } };
    audit: { emitted: number; buffered: number; dropped: number };
    rate_limits?: { backend: string; degraded: boolean };
  };
}

/** Polls until the gateway has shipped its buffer and the database holds every event it emitted (or `timeoutMs` passes). */
async function auditSettled(timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { audit } = await gatewayStatus();
    const stored = await database
      .query<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditEvent"`)
      .then((r) => r.rows[0]!.n)
      .catch(() => -1);
    if ((audit.buffered === 0 && stored === audit.emitted) || Date.now() > deadline) return { emitted: audit.emitted, stored, dropped: audit.dropped };
    // The shipper sends once a second; nothing announces delivery to the test.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function untilAnswers(url: string) {
  for (;;) {
    const status = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(2000) })
      .then(async (r) => (await r.body?.cancel(), r.status))
      .catch(() => 0);
    if (status > 0 && status < 500) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls the gateway's status until `holds` (nothing announces a status change to another process). */
async function until(holds: () => Promise<boolean>) {
  while (!(await holds())) await pause(100);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  upstream = await startUpstreamProcess(await findFreePort());
  proxy = await startFaultProxy({ host: "127.0.0.1", port: upstream.port });
  redis = await startRedis();
  signingKey = { ...(await exportJWK((await generateKeyPair("RS256", { extractable: true })).privateKey)), kid: "faults-idp-key" };
  const idpPort = await findFreePort();
  idpIssuer = `http://127.0.0.1:${idpPort}`;
  idp = await startServerProcess("idp-server.ts", idpPort, { IDP_SIGNING_JWK: JSON.stringify(signingKey) });
  product = await launchProduct({ PORTCULLIS_REDIS_URL: redis.url });
  database = new pg.Pool({ connectionString: product.databaseUrl, max: 2 });
  database.on("error", () => {});
  session = await signInToConsole(product.consoleUrl, product.admin.email, product.admin.password);
  const version = await importConfig(configYaml(false));
  // The gateway learns of a version over the control plane's event stream; poll its status until it has applied this one.
  while ((await gatewayStatus()).control_plane?.applied?.version !== version) await pause(100);
}, 600_000);

const startLoad = (clients: number, tools: string[]): Promise<McpLoad> =>
  startMcpLoad({ url: `${product.gatewayUrl}/faults`, headers: { apikey: API_KEY, authorization: "Bearer upstream-token" }, clients, tools: () => tools, pauseMs: 10 });
const startIdpLoad = async (clients: number, tools: string[]): Promise<McpLoad> =>
  startMcpLoad({ url: `${product.gatewayUrl}/faults-idp`, headers: { authorization: `Bearer ${await idpToken()}` }, clients, tools: () => tools, pauseMs: 10 });

afterAll(async () => {
  console.log(["", "fault                 sent  answered  errors by status        audit emitted/stored  recovery", ...rows].join("\n"));
  await database?.end();
  await product?.stop();
  await upstream?.kill().catch(() => {});
  await idp?.kill().catch(() => {});
  await redis?.kill();
  await proxy?.close();
});

interface Fault {
  name: string;
  /** The upstream's own failures: its 502/504 are expected, within the route's timeout. */
  upstream: boolean;
  /** The load it runs under (default: the passthrough route). */
  load?: (clients: number, tools: string[]) => Promise<McpLoad>;
  inject(): Promise<void>;
  /** Ends the fault; resolves when the failed part is back. */
  heal(): Promise<void>;
}

const faults: Fault[] = [
  {
    name: "console killed",
    upstream: false,
    inject: async () => void (await product.kill("console")),
    heal: async () => {
      await product.waitForProcess("console", (p) => p.state === "running" && p.restarts >= 1);
      await untilAnswers(`${product.consoleUrl}/login`);
    },
  },
  {
    name: "PostgreSQL killed",
    upstream: false,
    inject: async () => void (await product.kill("database")),
    heal: async () => void (await product.waitForProcess("database", (p) => p.state === "running" && p.restarts >= 1)),
  },
  { name: "upstream killed", upstream: true, inject: () => upstream.kill(), heal: () => upstream.start() },
  // Tokens already validated keep working on the cached JWKS; the restarted IdP publishes the same key.
  { name: "IdP killed", upstream: false, load: startIdpLoad, inject: () => idp.kill(), heal: () => idp.start() },
  // The limiter falls back to counting locally (degraded) and resumes in Redis when it is back.
  {
    name: "Redis killed",
    upstream: false,
    inject: async () => {
      await redis.kill();
      await until(async () => (await gatewayStatus()).rate_limits?.degraded === true);
    },
    heal: async () => {
      await redis.start();
      await until(async () => (await gatewayStatus()).rate_limits?.degraded === false);
    },
  },
  { name: "upstream delayed 300ms", upstream: true, inject: async () => proxy.set({ kind: "delay", ms: 300 }), heal: async () => proxy.set({ kind: "pass" }) },
  { name: "upstream reset", upstream: true, inject: async () => proxy.set({ kind: "reset" }), heal: async () => proxy.set({ kind: "pass" }) },
  { name: "upstream blackholed", upstream: true, inject: async () => proxy.set({ kind: "blackhole" }), heal: async () => proxy.set({ kind: "pass" }) },
];

describe("faults under load", () => {
  it.each(faults.map((f) => [f.name, f] as const))(
    "%s",
    async (_name, fault) => {
      // Four SDK clients; one call in four is to a tool their group is denied.
      const load = await (fault.load ?? startLoad)(4, ["get_me", "get_me", "get_me", "push_files"]);
      await fault.inject();
      await pause(FAULT_MS);
      await fault.heal();
      const healedAt = Date.now();
      const recoveredAt = await load.successAfter(healedAt);
      await load.stop();
      const window = load.snapshot();
      const audit = await auditSettled();
      const recoveryMs = recoveredAt - healedAt;
      const errors = Object.entries(window.byStatus)
        .filter(([status]) => Number(status) >= 300 || Number(status) === 0)
        .map(([status, n]) => `${status}×${n}`)
        .join(" ");
      rows.push(
        `${fault.name.padEnd(20)} ${String(window.sent).padStart(6)}  ${String(window.answered).padStart(8)}  ${(errors || "none").padEnd(22)}  ${`${audit.emitted}/${audit.stored}`.padStart(20)}  ${recoveryMs} ms`,
      );

      const serverErrors = Object.keys(window.byStatus)
        .map(Number)
        .filter((s) => s >= 500);
      expect(serverErrors.filter((s) => !(fault.upstream && (s === 502 || s === 504)))).toEqual([]);
      expect(window.byStatus[0] ?? 0).toBe(0);
      for (const ms of window.serverErrorMs) expect(ms).toBeLessThanOrEqual(ROUTE_TIMEOUT_MS + 1000);
      expect(upstream.calls().filter((line) => line === "called push_files")).toEqual([]);
      expect(audit.dropped).toBe(0);
      expect(audit.stored).toBe(audit.emitted);
      expect(recoveryMs).toBeLessThanOrEqual(RECOVERY_LIMIT_MS);
    },
    120_000,
  );
});

describe("config under load", () => {
  it(`a new version every second for ${CHURN_SECONDS} s: nothing dropped, every response decided by exactly one version`, async () => {
    const churnLoad = await startLoad(2, ["create_issue", "get_me"]);
    const allowsCreateIssue = new Map<number, boolean>();
    const started = Date.now();
    for (let i = 1; i <= CHURN_SECONDS; i++) {
      const allowed = i % 2 === 1;
      allowsCreateIssue.set(await importConfig(configYaml(allowed)), allowed);
      await pause(Math.max(0, started + i * 1000 - Date.now()));
    }
    await churnLoad.stop();
    const window = churnLoad.snapshot();
    const audit = await auditSettled();
    expect(audit.stored).toBe(audit.emitted);
    const { rows: decided } = await database.query<{ configVersion: number | null; decision: string; n: number }>(
      `SELECT "configVersion", decision::text, count(*)::int AS n FROM "AuditEvent" WHERE "toolName" = 'create_issue' GROUP BY 1, 2`,
    );
    const wrong = decided.filter(
      (row) => row.configVersion === null || (allowsCreateIssue.has(row.configVersion) && allowsCreateIssue.get(row.configVersion) !== (row.decision === "allow")),
    );
    const versionsSeen = new Set(decided.map((row) => row.configVersion));
    rows.push(
      `config churn ${CHURN_SECONDS}s`.padEnd(20) +
        ` ${String(window.sent).padStart(6)}  ${String(window.answered).padStart(8)}  ${(
          Object.entries(window.byStatus)
            .filter(([s]) => Number(s) >= 500 || s === "0")
            .map(([s, n]) => `${s}×${n}`)
            .join(" ") || "none"
        ).padEnd(22)}  ${`${audit.emitted}/${audit.stored}`.padStart(20)}  ${versionsSeen.size} versions decided calls`,
    );
    expect(wrong).toEqual([]);
    expect(versionsSeen.size, JSON.stringify({ decided, published: [...allowsCreateIssue], status: await gatewayStatus() })).toBeGreaterThan(CHURN_SECONDS / 2);
    expect(
      Object.keys(window.byStatus)
        .map(Number)
        .filter((s) => s >= 500 || s === 0),
    ).toEqual([]);
    expect(upstream.calls().filter((line) => line === "called push_files")).toEqual([]);
  }, 600_000);
});
