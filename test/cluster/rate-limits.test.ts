// Three gateways (DB-less: one configuration file) behind a real nginx, round
// robin, sharing one real Redis: together they admit exactly each budget under
// concurrent load from several clients; Redis killed mid-load → every gateway
// degrades to its share, no 5xx; Redis back → exact again; a crashed gateway's
// concurrency slot frees itself when its lease ends.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { fakeMcpServer } from "../../gateway/test/support/fake-mcp-server";
import { startRecordingUpstream, type RecordedRequest, type RecordingUpstream } from "../../gateway/test/support/recording-upstream";
import { startGatewayProcess, type GatewayProcess } from "./support/gateway-process";
import { startNginx, type Nginx } from "./support/nginx";
import { startRedis, type RedisProcess } from "./support/redis-server";

const ROOT = path.resolve(import.meta.dirname, "../..");
const folder = path.join(ROOT, ".portcullis/test", `cluster-${randomBytes(4).toString("hex")}`);
const KEYS = { "agent-1": "agent-1-api-key", "agent-2": "agent-2-api-key" } as const;
const LEASE_SECONDS = 3;

let redis: RedisProcess;
let upstream: RecordingUpstream;
let gateways: GatewayProcess[] = [];
let nginx: Nginx;
/** Calls of the upstream's "slow" tool, held open until the test lets them go. */
const slowCalls: { req: RecordedRequest; res: http.ServerResponse }[] = [];
let slowArrived: () => void = () => {};
const nextSlowCall = () => new Promise<void>((resolve) => (slowArrived = resolve));

const config = (upstreamUrl: string, redisUrl: string) => ({
  version: 1,
  consumer_groups: [{ name: "agents" }],
  consumers: Object.entries(KEYS).map(([username, key]) => ({ username, groups: ["agents"], keys: [{ key }] })),
  servers: [
    {
      name: "github",
      path: "/github",
      upstream: upstreamUrl,
      auth: { mode: "passthrough" },
      limits: [
        // GCRA refills one call every 60 s / quota: these budgets refill slower than the load lasts.
        { subject: "agents", tool: "search_repositories", per_minute: 5 },
        { subject: "agents", tool: "create_issue", per_minute: 9 },
        { subject: "agents", tool: "get_me", per_minute: 6 },
        { subject: "agents", tool: "push_files", per_minute: 1_000_000 },
        { subject: "agents", tool: "slow", concurrent: 1 },
      ],
    },
  ],
  redis: { url: redisUrl, slot_lease_seconds: LEASE_SECONDS },
});

beforeAll(async () => {
  fs.mkdirSync(folder, { recursive: true });
  redis = await startRedis();
  upstream = await startRecordingUpstream((req, res) => {
    if (req.body.includes('"name":"slow"')) {
      slowCalls.push({ req, res });
      slowArrived();
    } else fakeMcpServer(req, res);
  });
  const file = path.join(folder, "gateway.yaml");
  fs.writeFileSync(file, stringify(config(upstream.url, redis.url)));
  const masterKey = randomBytes(32).toString("hex");
  gateways = await Promise.all([1, 2, 3].map((n) => startGatewayProcess(["--config", file], { PORTCULLIS_MASTER_KEY: masterKey }, path.join(folder, `gw-${n}`))));
  nginx = await startNginx(gateways.map((g) => g.port));
  // Each gateway has heartbeated and counts the other two.
  await until(async () => (await Promise.all(gateways.map((g) => g.status()))).every((s) => s.rate_limits.live_gateways === 3 && !s.rate_limits.degraded));
}, 120_000);

afterAll(async () => {
  await nginx?.stop();
  await Promise.all(gateways.map((g) => g.stop()));
  await redis?.kill();
  await upstream?.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

async function call(tool: string, consumer: keyof typeof KEYS, base = nginx.url): Promise<number> {
  const response = await fetch(`${base}/github`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: "Bearer upstream-token", apikey: KEYS[consumer] },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: tool, arguments: {} } }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** `clients` callers at once, each making `calls` calls one after another. */
async function load(tool: string, consumers: (keyof typeof KEYS)[], calls: number): Promise<number[]> {
  const statuses = await Promise.all(
    consumers.map(async (consumer) => {
      const seen: number[] = [];
      for (let i = 0; i < calls; i++) seen.push(await call(tool, consumer));
      return seen;
    }),
  );
  return statuses.flat();
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

/** Polls state held by other processes (there is no event to wait on) until `check` holds. */
async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now() - started;
}

const handledCalls = (metrics: string) =>
  [...metrics.matchAll(/^portcullis_requests_total\{server="github",method="tools\/call".*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);

describe("three gateways behind nginx, one Redis", () => {
  it("admit exactly the per-minute budget together, per consumer, under concurrent load", async () => {
    const before = await Promise.all(gateways.map(async (g) => handledCalls(await g.metrics())));
    const started = performance.now();
    const [one, two] = await Promise.all([load("search_repositories", ["agent-1", "agent-1", "agent-1"], 5), load("search_repositories", ["agent-2", "agent-2", "agent-2"], 5)]);
    expect(performance.now() - started, "the load outlasted a refill interval (12 s)").toBeLessThan(12_000);
    expect({ admitted: count(one, 200), refused: count(one, 429) }).toEqual({ admitted: 5, refused: 10 });
    expect({ admitted: count(two, 200), refused: count(two, 429) }).toEqual({ admitted: 5, refused: 10 });
    // Round robin: each gateway took its third of the 30 calls.
    const after = await Promise.all(gateways.map(async (g) => handledCalls(await g.metrics())));
    expect(after.map((n, i) => n - before[i]!)).toEqual([10, 10, 10]);
  });

  it("degrades to each gateway's share when Redis dies mid-load, without a 5xx, and is exact again when it returns", async () => {
    let stop = false;
    const statuses: number[] = [];
    const clients = Array.from({ length: 6 }, async (_, i) => {
      while (!stop) statuses.push(await call("push_files", i % 2 === 0 ? "agent-1" : "agent-2"));
    });
    await until(async () => statuses.length >= 60);
    await redis.kill();
    await until(async () => (await Promise.all(gateways.map((g) => g.status()))).every((s) => s.rate_limits.degraded));
    const atKill = statuses.length;
    await until(async () => statuses.length >= atKill + 60);
    stop = true;
    await Promise.all(clients);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    for (const g of gateways) {
      const { rate_limits } = await g.status();
      expect(rate_limits).toMatchObject({ backend: "redis", degraded: true, reason: expect.any(String), live_gateways: 3 });
      expect(await g.metrics()).toMatch(/^portcullis_rate_limit_degraded 1$/m);
      expect(await g.metrics()).toMatch(/^portcullis_rate_limit_fallbacks_total [1-9]\d*$/m);
    }
    // Degraded: a budget of 9 is 3 on each of the 3 gateways, and round robin gives each a third.
    const degraded = await load("create_issue", ["agent-1", "agent-1", "agent-1"], 10);
    expect({ admitted: count(degraded, 200), refused: count(degraded, 429) }).toEqual({ admitted: 9, refused: 21 });

    await redis.start();
    const resumedMs = await until(async () => (await Promise.all(gateways.map((g) => g.status()))).every((s) => !s.rate_limits.degraded));
    console.log(`cluster: all three gateways back on Redis ${Math.round(resumedMs)} ms after it restarted`);
    const exact = await load("get_me", ["agent-1", "agent-1", "agent-1", "agent-2", "agent-2", "agent-2"], 4);
    expect({ admitted: count(exact, 200), refused: count(exact, 429) }).toEqual({ admitted: 12, refused: 12 });
  });

  it("frees a crashed gateway's concurrency slot when its lease ends", async () => {
    const [dying, survivor] = gateways;
    const held = call("slow", "agent-1", dying!.url).catch(() => 0);
    await until(async () => slowCalls.length === 1);
    expect(await call("slow", "agent-1", survivor!.url)).toBe(429);
    await dying!.crash();
    await held;
    // Refused until the lease of the dead gateway's slot ends; then admitted, which the upstream sees (it holds the call open).
    const freedMs = await until(() => Promise.race([call("slow", "agent-1", survivor!.url).then((status) => status !== 429), nextSlowCall().then(() => true)]), 10_000);
    console.log(`cluster: a crashed gateway's slot was free again after ${Math.round(freedMs)} ms (lease ${LEASE_SECONDS} s)`);
    expect(freedMs).toBeLessThan((LEASE_SECONDS + 1) * 1000);
    expect(slowCalls).toHaveLength(2);
    for (const { res } of slowCalls) res.end();
  });
});
