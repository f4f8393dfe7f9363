// `npm run soak`: one gateway (the bundle `npm start` runs, with a config
// file) in front of the bench upstream, through 10,000 SSE stream open/abort
// cycles and 100,000 mixed calls (allowed and denied tool calls, tools/list,
// notifications, a wrong key); SOAK_SCALE multiplies both (default 1, a few
// minutes; 10 for a longer run). The gateway's RSS and open file descriptors
// (/proc/<pid>/fd) are sampled every 5 % of the work; both must end within
// 10 % of where they settled after warm-up (the first half: at SOAK_SCALE=1 V8
// still grows the gateway's heap for some 80,000 operations before it collects
// at a steady size). Prints the curve.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Agent, request } from "undici";
import { stringify } from "yaml";
import { buildGatewayIfNeeded } from "../launcher/gateway-build";
import { generateApiKey } from "../lib/core/keys/api-key";
import { findFreePort } from "../lib/net/ports";
import { ROOT } from "./support";

const SCALE = Number(process.env.SOAK_SCALE ?? 1);
const STREAM_CYCLES = Math.round(10_000 * SCALE);
const CALLS = Math.round(100_000 * SCALE);
const CONCURRENCY = 16;
const SAMPLES = 20;
const WARM_UP_SAMPLES = SAMPLES / 2;
const TOLERANCE = 0.1;

const KEY = generateApiKey();
const OTHER_KEY = generateApiKey();
const work = fs.mkdtempSync(path.join(os.tmpdir(), "portcullis-soak-"));
const children: ChildProcess[] = [];

function startNode(script: string, args: string[], env: Record<string, string>): Promise<ChildProcess> {
  const loader = script.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...loader, path.resolve(ROOT, script), ...args], { cwd: ROOT, env: { ...process.env, NODE_ENV: "production", ...env } });
  children.push(child);
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (c: Buffer) => {
      seen = (seen + c.toString()).slice(-4096);
      if (/listening/.test(seen)) {
        // Keep draining, quietly: a full pipe would block the process.
        resolve(child);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${script} exited (${code}): ${seen}`)));
  });
}

function sample(pid: number) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
  return { rssMb: rssKb / 1024, fds: fs.readdirSync(`/proc/${pid}/fd`).length };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  const [upstreamPort, httpPort, httpsPort, statusPort] = await Promise.all(Array.from({ length: 4 }, () => findFreePort()));
  await startNode("bench/upstream.ts", [], { PORT: String(upstreamPort) });
  const configFile = path.join(work, "gateway.yaml");
  fs.writeFileSync(
    configFile,
    stringify({
      version: 1,
      consumer_groups: [{ name: "agents" }, { name: "contractors" }],
      consumers: [
        { username: "soak-agent", groups: ["agents"], keys: [{ key: KEY }] },
        { username: "someone-else", groups: ["contractors"], keys: [{ key: OTHER_KEY }] },
      ],
      servers: [
        {
          name: "soak",
          path: "/soak",
          upstream: `http://127.0.0.1:${upstreamPort}/mcp`,
          auth: { mode: "passthrough" },
          acl: { default: { deny: ["contractors"] }, tools: [{ name: "tool_099", deny: ["agents"] }] },
        },
      ],
    }),
  );
  const bundle = await buildGatewayIfNeeded();
  const gateway = await startNode(
    bundle,
    [
      "--config",
      configFile,
      "--http-port",
      String(httpPort),
      "--https-port",
      String(httpsPort),
      "--status-port",
      String(statusPort),
      "--host",
      "127.0.0.1",
      "--data-dir",
      path.join(work, "data"),
    ],
    {},
  );
  const url = `http://127.0.0.1:${httpPort}/soak`;
  const dispatcher = new Agent({ connections: CONCURRENCY * 2, keepAliveTimeout: 10_000 });
  const headers = (key: string) => ({ "content-type": "application/json", accept: "application/json, text/event-stream", apikey: key, authorization: "Bearer upstream-token" });
  const bodies = [
    { key: KEY, body: { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "tool_001", arguments: {} } } },
    { key: KEY, body: { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "tool_099", arguments: {} } } },
    { key: KEY, body: { jsonrpc: "2.0", id: 3, method: "tools/list" } },
    { key: KEY, body: { jsonrpc: "2.0", method: "notifications/initialized" } },
    { key: OTHER_KEY, body: { jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "tool_001", arguments: {} } } },
    { key: "pcs_not_a_key", body: { jsonrpc: "2.0", id: 5, method: "tools/list" } },
  ].map((b) => ({ headers: headers(b.key), body: JSON.stringify(b.body) }));

  const statuses = new Map<number, number>();
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const call = async (i: number) => {
    const { headers: h, body } = bodies[i % bodies.length]!;
    const response = await request(url, { method: "POST", headers: h, body, dispatcher });
    count(response.statusCode);
    await response.body.dump();
  };
  // Opens the route's SSE stream, waits for the gateway's answer headers, then walks away.
  const streamCycle = async () => {
    const abort = new AbortController();
    const response = await request(url, { method: "GET", headers: { ...headers(KEY), accept: "text/event-stream" }, dispatcher, signal: abort.signal });
    count(response.statusCode);
    abort.abort();
    await response.body.dump().catch(() => {});
  };

  const total = STREAM_CYCLES + CALLS;
  const curve: { done: number; rssMb: number; fds: number }[] = [];
  let next = 0;
  let done = 0;
  const started = Date.now();
  console.log(`soak: ${STREAM_CYCLES} SSE open/abort cycles and ${CALLS} mixed calls, ${CONCURRENCY} at a time (SOAK_SCALE=${SCALE})`);
  // One stream cycle every (total / STREAM_CYCLES) operations, calls in between: both run for the whole soak.
  const streamEvery = Math.max(1, Math.round(total / STREAM_CYCLES));
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const i = next++;
        try {
          if (i % streamEvery === 0) await streamCycle();
          else await call(i);
        } catch {
          count(0);
        }
        done++;
        if (done % Math.round(total / SAMPLES) === 0) curve.push({ done, ...sample(gateway.pid!) });
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  // Let idle keep-alive sockets and the last streams close before the final sample.
  await dispatcher.close();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const final = { done, ...sample(gateway.pid!) };
  curve.push(final);

  console.log(`soak: ${done} operations in ${seconds.toFixed(0)} s (${Math.round(done / seconds)} per s); statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  console.log("\n  done      RSS MB   open fds");
  for (const point of curve) console.log(`${String(point.done).padStart(8)}  ${point.rssMb.toFixed(1).padStart(8)}  ${String(point.fds).padStart(9)}`);
  const settled = curve.slice(WARM_UP_SAMPLES, WARM_UP_SAMPLES + 4);
  const settledRss = median(settled.map((p) => p.rssMb));
  const settledFds = median(settled.map((p) => p.fds));
  const rssOk = final.rssMb <= settledRss * (1 + TOLERANCE);
  // The final sample is taken with the client's sockets closed, so fds may only have fallen.
  const fdsOk = final.fds <= settledFds * (1 + TOLERANCE);
  console.log(
    `\nsettled after warm-up: RSS ${settledRss.toFixed(1)} MB, ${settledFds} fds; at the end: RSS ${final.rssMb.toFixed(1)} MB (${rssOk ? "within" : "OVER"} 10 %), ${final.fds} fds (${fdsOk ? "within" : "OVER"} 10 %)`,
  );
  if (statuses.has(0) || [...statuses.keys()].some((s) => s >= 500)) throw new Error(`requests failed: ${JSON.stringify(Object.fromEntries(statuses))}`);
  if (!rssOk || !fdsOk) throw new Error("the gateway's memory or file descriptors grew past 10 % of where they settled");
}

main()
  .then(() => (process.exitCode = 0))
  .catch((error: Error) => {
    console.error(`soak: ${error.message}`);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill("SIGKILL");
    fs.rmSync(work, { recursive: true, force: true });
  });
