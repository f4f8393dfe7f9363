// `npm run bench`: one upstream called directly, through a bare Node reverse
// proxy, through nginx (when installed) and through the gateway with key auth,
// ACL and audit on; tools/call (1 KiB) and tools/list (100 tools): saturation
// throughput, p50/p99 at concurrency 1 and at a fixed 500 req/s, one 8 MB SSE
// event through the gateway against direct (with a small call beside it), the
// gateway's RSS with 1,000 idle SSE streams open, and the p50 a rate limit adds
// to tools/call, with the in-process limiter and with Redis (when redis-server
// is installed). Prints a table and writes bench/results/latest.json. Not a
// test: figures depend on the machine.
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Pool } from "undici";
import { stringify } from "yaml";
import { findFreePort } from "../lib/net/ports";
import { generateApiKey } from "../lib/core/keys/api-key";
import { toolPin } from "../lib/core/tools/pin";
import { buildGatewayIfNeeded, GATEWAY_NODE_FLAGS, GATEWAY_V8_FLAGS } from "../launcher/gateway-build";
import { BIG_EVENT_TOOL, measureBigEvent, type BigEventFigures } from "./big-event";
import { BENCH_TOOLS } from "./tools";
import {
  callsInBlocks,
  callsInterleaved,
  latencyAtFixedRate,
  latencyOfTargets,
  saturation,
  send as sendScenario,
  SATURATION_TOOL,
  writeWrkScript,
  type Latency,
  type Scenario,
} from "./load";

const ROOT = path.resolve(import.meta.dirname, "..");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const FIXED_RATE = 500;
const WARM_UP_SECONDS = 2;
const IDLE_STREAMS = 1000;
// Real keys in the product's format (the gateway refuses a pcs_ key whose checksum does not match).
const BENCH_KEY = generateApiKey();
const OTHER_KEY = generateApiKey();
const work = fs.mkdtempSync(path.join(os.tmpdir(), "portcullis-bench-"));
const children: ChildProcess[] = [];

/** Runs a TypeScript file through tsx, or a built .mjs file (the gateway bundle `npm start` runs) as is. */
function startNode(script: string, args: string[], env: Record<string, string>, ready: RegExp, nodeFlags: readonly string[] = []): Promise<ChildProcess> {
  const loader = script.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...nodeFlags, ...loader, path.resolve(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", ...env },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (c: Buffer) => {
      seen += c.toString();
      if (ready.test(seen)) resolve(child);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${script} exited (${code}): ${seen}`)));
  });
}

function waitForPort(port: number): Promise<void> {
  return new Promise((resolve) => {
    const attempt = () =>
      net
        .connect(port, "127.0.0.1", function (this: net.Socket) {
          this.destroy();
          resolve();
        })
        .on("error", () => setTimeout(attempt, 50));
    attempt();
  });
}

function hasNginx(): boolean {
  try {
    execFileSync("sh", ["-c", "command -v nginx"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function startNginx(port: number, upstreamPort: number): Promise<number> {
  const dir = path.join(work, "nginx");
  fs.mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, "nginx.conf");
  fs.writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream mcp { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://mcp/mcp;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`,
  );
  const child = spawn("nginx", ["-c", conf, "-p", dir], { stdio: "ignore" });
  children.push(child);
  await waitForPort(port);
  return child.pid!;
}

/** A bench route: passthrough auth to the upstream and the ACL every row shares, plus what the row measures. */
function benchRoute(upstreamPort: number, name: string, measured: Record<string, unknown> = {}) {
  return {
    name,
    path: `/${name}`,
    upstream: `http://127.0.0.1:${upstreamPort}/mcp`,
    auth: { mode: "passthrough" },
    acl: {
      default: { deny: ["contractors"] },
      tools: [
        { name: "tool_001", allow: ["agents"] },
        { name: "tool_099", deny: ["agents"] },
      ],
    },
    ...measured,
  };
}

function gatewayConfig(upstreamPort: number) {
  return {
    version: 1,
    consumer_groups: [{ name: "agents" }, { name: "contractors" }],
    consumers: [
      { username: "bench-agent", groups: ["agents"], keys: [{ key: BENCH_KEY }] },
      { username: "someone-else", groups: ["contractors"], keys: [{ key: OTHER_KEY }] },
    ],
    servers: [
      benchRoute(upstreamPort, "bench"),
      // Every tool pinned and held on change: what catalogue change control costs.
      benchRoute(upstreamPort, "bench-pinned", {
        tool_changes: "hold",
        new_tools: "hold",
        tools: BENCH_TOOLS.map((tool) => ({ name: tool.name, pin: toolPin(tool)! })),
      }),
      // A three-clause condition on the called tool and redaction on: what argument policy costs.
      benchRoute(upstreamPort, "bench-policy", {
        result_redaction: "secrets",
        audit_arguments: true,
        acl: {
          default: { deny: ["contractors"] },
          tools: [
            { name: "tool_001", allow: ["agents"], when: POLICY_CONDITION, redact_args: ["args.q"] },
            { name: "tool_099", deny: ["agents"] },
          ],
        },
      }),
      // Budgets no run reaches: what the limiter costs, never a refusal.
      benchRoute(upstreamPort, "bench-limited", {
        acl: { default: { deny: ["contractors"] }, tools: [{ name: "tool_001", allow: ["agents"] }] },
        limits: [
          { subject: "agents", tool: "tool_001", per_minute: 1_000_000, concurrent: 100_000 },
          { subject: "*", per_hour: 10_000_000 },
        ],
      }),
    ],
  };
}

function hasRedis(): boolean {
  try {
    execFileSync("sh", ["-c", "command -v redis-server"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function startRedis(port: number): Promise<void> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  children.push(child);
  await waitForPort(port);
}

/**
 * c1 p50 of tools/call without limits, with the in-process limiter, and with Redis counters, back to back and
 * cold (bench/load.ts) — with, beside them, the bench's own PING to the same Redis: the round trip any shared
 * counter pays.
 */
async function limiterCost(gatewayOrigin: string, redisGateway: { origin: string; redisPort: number } | undefined) {
  const targets = [gatewayOrigin, gatewayOrigin, redisGateway?.origin, redisGateway?.origin];
  const paths = ["/bench", "/bench-limited", "/bench", "/bench-limited"];
  const pools = targets.map((origin) => (origin ? new Pool(origin, { connections: 1 }) : undefined));
  const { Redis } = await import("ioredis");
  const redis = redisGateway ? new Redis(redisGateway.redisPort, "127.0.0.1") : undefined;
  const calls: (() => Promise<unknown>)[] = pools.flatMap((pool, i) => (pool ? [() => sendScenario(pool, scenarios(paths[i]!)[0]!)] : []));
  if (redis) calls.push(() => redis.ping());
  const backToBack = await callsInBlocks(calls, 60, 50);
  const cold = await callsInterleaved(calls, 3000);
  for (const pool of pools) await pool?.close();
  redis?.disconnect();
  // The Redis gateway's own unlimited route is its baseline: two processes never run quite alike.
  const added = (figures: Latency[], limited: number, unlimited: number) =>
    figures[limited] && figures[unlimited] ? Number((figures[limited].p50 - figures[unlimited].p50).toFixed(3)) : null;
  return {
    unlimited_p50_ms: backToBack[0]!.p50,
    local_p50_ms: backToBack[1]!.p50,
    added_local_p50_ms: added(backToBack, 1, 0)!,
    redis_p50_ms: backToBack[3]?.p50 ?? null,
    added_redis_p50_ms: added(backToBack, 3, 2),
    redis_ping_p50_ms: backToBack[4]?.p50 ?? null,
    cold: { added_local_p50_ms: added(cold, 1, 0), added_redis_p50_ms: added(cold, 3, 2), redis_ping_p50_ms: cold[4]?.p50 ?? null },
  };
}

// The issue's examples. (`size()` of a string is not among them: @bufbuild/cel counts its code points, ~11 µs for 1 KiB.)
const POLICY_CONDITION = 'args.owner == "acme" && !(args.branch in ["main", "master"]) && !args.q.contains("password")';

/** CPU per tools/call on /bench against /bench-policy (condition + redaction), alternated twice so drift on the machine hits both alike. */
async function policyCost(gatewayOrigin: string, gatewayPid: number) {
  // Both routes get the same 1 KiB body, with the arguments the condition reads.
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "tool_001", arguments: { owner: "acme", branch: "feature/x", q: "y".repeat(1024 - 160) } },
  });
  const plain = { ...scenarios("/bench")[0]!, body };
  const policy = { ...scenarios("/bench-policy")[0]!, body };
  const totals = { plain: { cpu: 0, requests: 0 }, policy: { cpu: 0, requests: 0 } };
  for (let round = 0; round < 2; round++) {
    for (const [key, scenario] of [
      ["plain", plain],
      ["policy", policy],
    ] as const) {
      const before = cpuSeconds(gatewayPid);
      const { requests } = await saturation(gatewayOrigin, scenario, SECONDS, CONNECTIONS);
      totals[key].cpu += cpuSeconds(gatewayPid) - before;
      totals[key].requests += requests;
    }
  }
  const plainUs = (totals.plain.cpu * 1e6) / totals.plain.requests;
  const policyUs = (totals.policy.cpu * 1e6) / totals.policy.requests;
  return {
    condition: POLICY_CONDITION,
    plain_cpu_us_per_request: Math.round(plainUs),
    policy_cpu_us_per_request: Math.round(policyUs),
    ratio: Number((policyUs / plainUs).toFixed(3)),
  };
}

function printPolicyCost(policy: Awaited<ReturnType<typeof policyCost>>) {
  console.log(
    `tools/call with a three-clause condition and redaction on: ${policy.policy_cpu_us_per_request} µs CPU/request against ${policy.plain_cpu_us_per_request} without (${policy.ratio}×)`,
  );
}

/** BENCH_CPU_PROF=dir: the gateway named writes a V8 CPU profile there when it stops (open it in Chrome DevTools). */
function profiled(name: string): Record<string, string> {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${path.resolve(dir)} --cpu-prof-name=${name}.cpuprofile` } : {};
}

/**
 * tools/call through the same gateway untraced and traced at 100 % (OTLP to the sink process), alternated
 * three times so drift on the machine hits both alike; CPU per request is the figure a shared machine does not skew.
 */
async function tracingCost(off: { origin: string; pid: number }, on: { origin: string; pid: number }, sinkPid: number) {
  const scenario = scenarios("/bench")[0]!;
  const totals = { off: { cpu: 0, user: 0, requests: 0, seconds: 0 }, on: { cpu: 0, user: 0, requests: 0, seconds: 0, sinkCpu: 0 } };
  // Both gateways compile their hot paths first (measureRow's warm-up): the traced one has the SDK's to compile too.
  for (const target of [off, on]) await saturation(target.origin, scenario, WARM_UP_SECONDS, CONNECTIONS);
  for (let round = 0; round < 3; round++) {
    for (const [key, target] of [
      ["off", off],
      ["on", on],
    ] as const) {
      const before = cpuSeconds(target.pid);
      const userBefore = cpuSeconds(target.pid, "user");
      const sinkBefore = cpuSeconds(sinkPid);
      const { requests } = await saturation(target.origin, scenario, SECONDS, CONNECTIONS);
      totals[key].cpu += cpuSeconds(target.pid) - before;
      totals[key].user += cpuSeconds(target.pid, "user") - userBefore;
      totals[key].requests += requests;
      totals[key].seconds += SECONDS;
      if (key === "on") totals.on.sinkCpu += cpuSeconds(sinkPid) - sinkBefore;
    }
  }
  const offUs = (totals.off.cpu * 1e6) / totals.off.requests;
  const onUs = (totals.on.cpu * 1e6) / totals.on.requests;
  return {
    off_rps: Math.round(totals.off.requests / totals.off.seconds),
    on_rps: Math.round(totals.on.requests / totals.on.seconds),
    off_cpu_us_per_request: Math.round(offUs),
    on_cpu_us_per_request: Math.round(onUs),
    // User time alone: the gateway's own code, without the kernel's loopback delivery that a loaded machine inflates.
    off_user_us_per_request: Math.round((totals.off.user * 1e6) / totals.off.requests),
    on_user_us_per_request: Math.round((totals.on.user * 1e6) / totals.on.requests),
    sink_cpu_us_per_request: Math.round((totals.on.sinkCpu * 1e6) / totals.on.requests),
    // Throughput a CPU-bound gateway keeps with tracing on: the inverse of the CPU ratio.
    throughput_cost: Number((1 - offUs / onUs).toFixed(3)),
  };
}

function printTracingCost(tracing: Awaited<ReturnType<typeof tracingCost>>) {
  console.log(
    `tools/call traced at 100 %: ${tracing.on_cpu_us_per_request} µs CPU/request against ${tracing.off_cpu_us_per_request} untraced (throughput cost ${(tracing.throughput_cost * 100).toFixed(1)} %; user time ${tracing.on_user_us_per_request} against ${tracing.off_user_us_per_request} µs; ${tracing.on_rps} against ${tracing.off_rps} req/s; the OTLP sink used ${tracing.sink_cpu_us_per_request} µs/request)`,
  );
}

/** The SDK's own cost per traced request, alone in a process of its own (bench/tracing-floor.ts), exporting to the same sink. */
async function tracingFloor(sinkPort: number): Promise<Record<string, number>> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", path.join(ROOT, "bench/tracing-floor.ts")], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", PORT: String(sinkPort) },
  });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, number>;
}

function printTracingFloor(floor: Record<string, number>) {
  console.log(
    `the OpenTelemetry SDK alone, per traced tools/call (bench/tracing-floor.ts): ${floor.spans_us} µs CPU for the two spans, ${floor.with_histograms_us} with the two histograms, ${floor.with_otlp_protobuf_export_us} with the OTLP protobuf export (${floor.with_otlp_json_export_us} with OTLP JSON)`,
  );
}

function bigEventScenario(pathname: string): Scenario {
  const [call] = scenarios(pathname);
  return {
    ...call!,
    name: "tools/call (one 8 MB SSE event)",
    body: JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: BIG_EVENT_TOOL, arguments: {} } }),
  };
}

function scenarios(pathname: string): Scenario[] {
  const headers = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    authorization: "Bearer gho_benchmarktoken",
    apikey: BENCH_KEY,
    "mcp-protocol-version": "2025-06-18",
  };
  const args = { q: "y".repeat(1024 - 120) };
  return [
    { name: "tools/call (1 KiB)", path: pathname, headers, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "tool_001", arguments: args } }) },
    { name: "tools/list (100 tools)", path: pathname, headers, body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }) },
  ];
}

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());

/** CPU seconds used so far by a process and its children (nginx workers): user + system, or user alone. */
function cpuSeconds(pid: number, only?: "user"): number {
  const [utime, stime] = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ").slice(11, 13).map(Number) as [number, number];
  let children: number[] = [];
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // no children file: count the process alone
  }
  return (utime + (only === "user" ? 0 : stime)) / TICKS_PER_SECOND + children.reduce((sum, child) => sum + cpuSeconds(child, only), 0);
}

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

/** Opens idle SSE streams through the gateway and reads its RSS while they are open. */
async function rssWithIdleStreams(port: number, pid: number): Promise<{ before: number; with_streams: number }> {
  // Warm the route (first request compiles the pipeline) before the baseline.
  await new Promise<void>((resolve) => http.get({ host: "127.0.0.1", port, path: "/nowhere" }, (res) => res.resume().on("end", resolve)));
  const before = rssOf(pid);
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const requests: http.ClientRequest[] = [];
  await Promise.all(
    Array.from(
      { length: IDLE_STREAMS },
      () =>
        new Promise<void>((resolve, reject) => {
          const req = http.get(
            { host: "127.0.0.1", port, path: "/bench", agent, headers: { accept: "text/event-stream", authorization: "Bearer gho_benchmarktoken", apikey: BENCH_KEY } },
            (res) => {
              if (res.statusCode !== 200) reject(new Error(`SSE stream answered ${res.statusCode}`));
              else resolve();
            },
          );
          req.on("error", reject);
          requests.push(req);
        }),
    ),
  );
  const withStreams = rssOf(pid);
  for (const req of requests) req.destroy();
  agent.destroy();
  return { before, with_streams: withStreams };
}

interface Row {
  target: string;
  scenario: string;
  saturation_rps: number;
  /** CPU time of the target's own process per request at saturation: robust on a shared machine. */
  cpu_us_per_request: number;
  /** Concurrency 1, back to back (the target's figure). */
  c1: Latency;
  /** Concurrency 1, each call after a call to another target: every process on the path woken from idle. */
  c1_cold: Latency;
  fixed_rate: Latency;
}

/** After a warm-up, saturation throughput and CPU per request, then latency at a fixed rate (c1 latency comes from c1Latencies). */
async function measureRow(target: { name: string; origin: string; pid: number }, scenario: Scenario): Promise<Omit<Row, "c1" | "c1_cold">> {
  // Steady state: a fresh process compiles its hot paths during its first seconds of load (the
  // gateway's first row measured 121 µs CPU per tools/call against 61 for the same call a row later).
  await saturation(target.origin, scenario, WARM_UP_SECONDS, CONNECTIONS);
  const cpuBefore = cpuSeconds(target.pid);
  const { rps: saturation_rps, requests } = await saturation(target.origin, scenario, SECONDS, CONNECTIONS);
  const cpu_us_per_request = Math.round(((cpuSeconds(target.pid) - cpuBefore) * 1e6) / requests);
  const fixed_rate = await latencyAtFixedRate(target.origin, scenario, FIXED_RATE, 5);
  console.log(`  ${target.name} · ${scenario.name}: ${saturation_rps} req/s, ${cpu_us_per_request} µs CPU/request`);
  return { target: target.name, scenario: scenario.name, saturation_rps, cpu_us_per_request, fixed_rate };
}

/**
 * Latency at concurrency 1 of every target, one scenario at a time, with the targets' turns interleaved
 * (bench/load.ts): back to back, the table's figure, and cold — each call after a call to another target.
 */
async function c1Latencies(targets: readonly { name: string; origin: string; path: string }[], rows: readonly Omit<Row, "c1" | "c1_cold">[]): Promise<Row[]> {
  const measured: Row[] = [];
  for (const [index, { name }] of scenarios("/").entries()) {
    const { backToBack, cold } = await latencyOfTargets(
      targets.map((t) => ({ origin: t.origin, scenario: scenarios(t.path)[index]! })),
      3000,
    );
    for (const [j, target] of targets.entries()) {
      const row = rows.find((r) => r.target === target.name && r.scenario === name)!;
      measured.push({ ...row, c1: backToBack[j]!, c1_cold: cold[j]! });
      console.log(`  ${target.name} · ${name}: c1 p50 ${backToBack[j]!.p50} ms back to back, ${cold[j]!.p50} ms cold`);
    }
  }
  return measured;
}

async function measureRows(targets: readonly { name: string; origin: string; path: string; pid: number }[]): Promise<Row[]> {
  const rows: Omit<Row, "c1" | "c1_cold">[] = [];
  for (const target of targets) for (const scenario of scenarios(target.path)) rows.push(await measureRow(target, scenario));
  return c1Latencies(targets, rows);
}

function printBigEvent(bigEvent: BigEventFigures) {
  console.log(
    `one ${mb(bigEvent.event_bytes)} SSE event received whole: ${bigEvent.direct_ms} ms direct, ${bigEvent.tcp_relay_ms} ms through a TCP relay, ${bigEvent.bare_proxy_ms} ms through the bare node proxy, ${bigEvent.gateway_ms} ms through the gateway (${bigEvent.ratio}×), CPU per event ${bigEvent.bare_proxy_cpu_ms_per_event} ms bare, ${bigEvent.gateway_cpu_ms_per_event} ms gateway, ${bigEvent.client_cpu_ms_per_event} ms the bench's client; a small tools/call beside it: ${bigEvent.small_call_during_ms} ms against ${bigEvent.small_call_idle_ms} ms idle (+${bigEvent.added_small_call_ms} ms)`,
  );
}

function printLimiterCost(limiter: Awaited<ReturnType<typeof limiterCost>>) {
  console.log(
    `rate limit on tools/call (c1 p50): +${limiter.added_local_p50_ms} ms in-process limiter, ${limiter.added_redis_p50_ms === null ? "Redis: redis-server not installed" : `+${limiter.added_redis_p50_ms} ms Redis limiter (the bench's own PING to that Redis: ${limiter.redis_ping_p50_ms} ms); cold, each call after a call elsewhere: +${limiter.cold.added_local_p50_ms} ms in-process, +${limiter.cold.added_redis_p50_ms} ms Redis (PING ${limiter.cold.redis_ping_p50_ms} ms)`}`,
  );
}

/**
 * BENCH_ONLY=serve: the targets stay up, each with a wrk script per scenario, for profiling by hand
 * (`perf`, `strace -c`, `--cpu-prof` through BENCH_CPU_PROF) until the bench is interrupted.
 */
async function serveForProfiling(targets: readonly { name: string; origin: string; path: string; pid: number }[]): Promise<void> {
  for (const target of targets) {
    for (const scenario of scenarios(target.path)) {
      const script = writeWrkScript(path.join(work, `${target.name.replaceAll(" ", "-")}-${scenario.name.split(" ")[0]!.replace("/", "-")}.lua`), scenario);
      console.log(`${target.name} (pid ${target.pid}) · ${scenario.name}: wrk -t1 -c${CONNECTIONS} -d${SECONDS}s -s ${script} ${target.origin}${target.path}`);
    }
  }
  console.log("bench: serving until interrupted");
  await new Promise<void>((resolve) => process.once("SIGINT", resolve));
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main() {
  const [upstreamPort, bareProxyPort, nginxPort, tcpRelayPort] = (await Promise.all(Array.from({ length: 4 }, () => findFreePort()))) as [number, number, number, number];
  const upstream = await startNode("bench/upstream.ts", [], { PORT: String(upstreamPort) }, /listening/);
  // The Node floors run with the gateway's V8 heap settings: each is the floor of a Node process set up the same way.
  const relayEnv = (port: number) => ({ PORT: String(port), UPSTREAM: `http://127.0.0.1:${upstreamPort}/mcp` });
  const bareProxy = await startNode("bench/bare-proxy.ts", [], relayEnv(bareProxyPort), /listening/, GATEWAY_V8_FLAGS);
  await startNode("bench/tcp-relay.ts", [], relayEnv(tcpRelayPort), /listening/, GATEWAY_V8_FLAGS);
  const configFile = path.join(work, "gateway.yaml");
  fs.writeFileSync(configFile, stringify(gatewayConfig(upstreamPort)));
  const gatewayBundle = await buildGatewayIfNeeded();
  /** One more gateway process on the same configuration, with its own ports and data directory. */
  const startGateway = async (name: string, env: Record<string, string> = {}) => {
    const [port, https, status] = await Promise.all([findFreePort(), findFreePort(), findFreePort()]);
    const args = ["--config", configFile, "--http-port", String(port), "--https-port", String(https), "--status-port", String(status)];
    const child = await startNode(
      gatewayBundle,
      [...args, "--host", "127.0.0.1", "--data-dir", path.join(work, name)],
      { ...env, ...profiled(name) },
      /gateway: listening/,
      GATEWAY_NODE_FLAGS,
    );
    return { port, origin: `http://127.0.0.1:${port}`, pid: child.pid! };
  };
  const gateway = await startGateway("data");
  const direct = { name: "direct", origin: `http://127.0.0.1:${upstreamPort}`, path: "/mcp", pid: upstream.pid! };
  const bare = { name: "bare node proxy", origin: `http://127.0.0.1:${bareProxyPort}`, path: "/", pid: bareProxy.pid! };
  const plain = { name: "gateway", origin: gateway.origin, path: "/bench", pid: gateway.pid };
  const bigEventRun = () =>
    measureBigEvent(
      { origin: direct.origin, big: bigEventScenario("/mcp") },
      { origin: `http://127.0.0.1:${tcpRelayPort}`, big: bigEventScenario("/mcp") },
      { origin: bare.origin, big: bigEventScenario("/"), cpuSeconds: () => cpuSeconds(bare.pid) },
      { origin: gateway.origin, big: bigEventScenario("/bench"), small: scenarios("/bench")[0]!, cpuSeconds: () => cpuSeconds(gateway.pid) },
    );
  const redisGateway = async () => {
    if (!hasRedis()) return undefined;
    const redisPort = await findFreePort();
    await startRedis(redisPort);
    return { origin: (await startGateway("data-redis", { PORTCULLIS_REDIS_URL: `redis://127.0.0.1:${redisPort}` })).origin, redisPort };
  };
  // The same gateway with OpenTelemetry on at 100 % sampling, exporting to a local sink in its own process (issue 19: ≤ 15 % throughput).
  const tracedGateway = async () => {
    const sinkPort = await findFreePort();
    const sink = await startNode("bench/otlp-sink.ts", [], { PORT: String(sinkPort) }, /listening/);
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}`, OTEL_TRACES_SAMPLER: "always_on", OTEL_METRIC_EXPORT_INTERVAL: "5000" };
    return { sinkPid: sink.pid!, sinkPort, gateway: await startGateway("data-traced", env) };
  };
  // BENCH_ONLY=policy | rows | big-event | limiter | tracing: one part of the run alone (rows: direct, bare proxy and gateway only).
  const only = process.env.BENCH_ONLY;
  if (only === "policy") return printPolicyCost(await policyCost(gateway.origin, gateway.pid));
  if (only === "rows") {
    await measureRows([direct, bare, plain]);
    return;
  }
  if (only === "big-event") return printBigEvent(await bigEventRun());
  if (only === "serve") {
    const traced = (await tracedGateway()).gateway;
    return serveForProfiling([direct, bare, plain, { name: "gateway traced", origin: traced.origin, path: "/bench", pid: traced.pid }]);
  }
  if (only === "limiter") return printLimiterCost(await limiterCost(gateway.origin, await redisGateway()));
  if (only === "tracing") {
    const { sinkPid, sinkPort, gateway: tracedOnly } = await tracedGateway();
    printTracingCost(await tracingCost(gateway, tracedOnly, sinkPid));
    return printTracingFloor(await tracingFloor(sinkPort));
  }
  if (only !== undefined) throw new Error(`BENCH_ONLY=${only}: expected policy, rows, big-event, limiter, tracing or serve`);
  const nginxPid = hasNginx() ? await startNginx(nginxPort, upstreamPort) : undefined;
  const { sinkPid, sinkPort, gateway: traced } = await tracedGateway();
  const targets = [
    direct,
    bare,
    ...(nginxPid ? [{ name: "nginx", origin: `http://127.0.0.1:${nginxPort}`, path: "/", pid: nginxPid }] : []),
    plain,
    { name: "gateway, pins on", origin: gateway.origin, path: "/bench-pinned", pid: gateway.pid },
    { name: "gateway, tracing 100 %", origin: traced.origin, path: "/bench", pid: traced.pid },
  ];
  console.log(`bench: ${os.cpus().length} cores, ${SATURATION_TOOL} for saturation (${CONNECTIONS} connections, ${SECONDS} s), ${FIXED_RATE} req/s for fixed-rate latency`);

  const rows = await measureRows(targets);

  const bigEvent = await bigEventRun();
  const rssAfterLoad = rssOf(gateway.pid);
  // A second gateway whose limits count in Redis, for the limiter's cost.
  const limiter = await limiterCost(gateway.origin, await redisGateway());
  // A fresh gateway for the stream figure, so it measures streams rather than the heap the load runs left behind.
  const fresh = await startGateway("data-fresh");
  const rss = { ...(await rssWithIdleStreams(fresh.port, fresh.pid)), after_load_runs: rssAfterLoad };

  const find = (target: string, scenario: string) => rows.find((r) => r.target === target && r.scenario === scenario);
  const table = rows.map((r) => {
    const direct = find("direct", r.scenario)!;
    const bare = find("bare node proxy", r.scenario)!;
    const nginx = find("nginx", r.scenario);
    return {
      ...r,
      vs_direct: Number((r.saturation_rps / direct.saturation_rps).toFixed(2)),
      vs_bare_proxy: Number((r.saturation_rps / bare.saturation_rps).toFixed(2)),
      vs_nginx: nginx ? Number((r.saturation_rps / nginx.saturation_rps).toFixed(2)) : null,
      cpu_vs_bare_proxy: Number((r.cpu_us_per_request / bare.cpu_us_per_request).toFixed(2)),
      added_c1_p50_ms: Number((r.c1.p50 - direct.c1.p50).toFixed(3)),
      added_c1_p99_ms: Number((r.c1.p99 - direct.c1.p99).toFixed(3)),
    };
  });

  console.log("");
  console.log("| target | scenario | req/s | ×direct | ×bare | ×nginx | CPU µs/req | c1 p50 ms | c1 p99 ms | +p50 | +p99 | 500/s p50 | 500/s p99 |");
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of table) {
    console.log(
      `| ${r.target} | ${r.scenario} | ${r.saturation_rps} | ${r.vs_direct} | ${r.vs_bare_proxy} | ${r.vs_nginx ?? "–"} | ${r.cpu_us_per_request} | ${r.c1.p50} | ${r.c1.p99} | ${r.added_c1_p50_ms} | ${r.added_c1_p99_ms} | ${r.fixed_rate.p50} | ${r.fixed_rate.p99} |`,
    );
  }
  console.log("");
  printBigEvent(bigEvent);
  printLimiterCost(limiter);
  console.log(
    `gateway RSS: ${mb(rss.after_load_runs)} after the load runs; a fresh gateway: ${mb(rss.before)} idle, ${mb(rss.with_streams)} with ${IDLE_STREAMS} idle SSE streams open`,
  );

  const pinnedList = find("gateway, pins on", "tools/list (100 tools)")!;
  const unpinnedList = find("gateway", "tools/list (100 tools)")!;
  const pinning = {
    ratio: Number((pinnedList.saturation_rps / unpinnedList.saturation_rps).toFixed(2)),
    pinned_rps: pinnedList.saturation_rps,
    unpinned_rps: unpinnedList.saturation_rps,
  };
  console.log(`tools/list (100 tools) with every tool pinned: ${pinning.pinned_rps} req/s against ${pinning.unpinned_rps} without pins (${pinning.ratio}×)`);

  const policy = await policyCost(gateway.origin, gateway.pid);
  printPolicyCost(policy);
  const tracing = await tracingCost(gateway, traced, sinkPid);
  printTracingCost(tracing);
  const tracingSdkFloor = await tracingFloor(sinkPort);
  printTracingFloor(tracingSdkFloor);

  const gatewayRows = table.filter((r) => r.target === "gateway");
  const targetsMet = {
    throughput_vs_bare_proxy_at_least_0_8: gatewayRows.every((r) => r.vs_bare_proxy >= 0.8),
    // The same target read from CPU time, which other load on the machine does not skew: ≥ 0.8× throughput ⇔ ≤ 1.25× CPU.
    cpu_per_request_vs_bare_proxy_at_most_1_25: gatewayRows.every((r) => r.cpu_vs_bare_proxy <= 1.25),
    added_p50_at_most_0_5_ms: gatewayRows.every((r) => r.added_c1_p50_ms <= 0.5),
    added_p99_at_most_3_ms: gatewayRows.every((r) => r.added_c1_p99_ms <= 3),
    rss_with_idle_streams_at_most_150_mb: rss.with_streams <= 150 * 1024 * 1024,
    local_limiter_added_p50_at_most_0_05_ms: limiter.added_local_p50_ms <= 0.05,
    redis_limiter_added_p50_at_most_0_3_ms: limiter.added_redis_p50_ms === null ? null : limiter.added_redis_p50_ms <= 0.3,
    big_event_vs_direct_at_most_1_5: bigEvent.ratio <= 1.5,
    big_event_added_small_call_at_most_50_ms: bigEvent.added_small_call_ms <= 50,
    pinned_tools_list_at_least_0_9_of_unpinned: pinning.ratio >= 0.9,
    condition_and_redaction_cpu_at_most_1_10: policy.ratio <= 1.1,
    tracing_throughput_cost_at_most_0_15: tracing.throughput_cost <= 0.15,
  };
  console.log(`targets: ${JSON.stringify(targetsMet)}`);
  const results = path.join(ROOT, "bench/results");
  fs.mkdirSync(results, { recursive: true });
  fs.writeFileSync(
    path.join(results, "latest.json"),
    JSON.stringify(
      {
        at: new Date().toISOString(),
        machine: { cores: os.cpus().length, node: process.version },
        settings: { saturation_tool: SATURATION_TOOL, seconds: SECONDS, connections: CONNECTIONS, fixed_rate: FIXED_RATE },
        rows: table,
        big_sse_event: bigEvent,
        gateway_rss_bytes: rss,
        rate_limit: limiter,
        pinning,
        policy,
        tracing: { ...tracing, sdk_alone_us_per_request: tracingSdkFloor },
        targets: targetsMet,
      },
      null,
      2,
    ),
  );
  console.log("written: bench/results/latest.json");
}

function stopAll() {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  fs.rmSync(work, { recursive: true, force: true });
}

main()
  .catch((error) => {
    console.error(`bench: ${(error as Error).message}`);
    process.exitCode = 1;
  })
  .finally(stopAll);
