// Load generators. Saturation throughput: wrk when installed (C, leaves the
// cores to the servers), else autocannon. Latency: our own loops with
// microsecond timing — closed loop at concurrency 1, and open loop at a fixed
// rate where each latency counts from the request's scheduled time (so a
// stall is not hidden by coordinated omission).
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { Pool } from "undici";

export interface Scenario {
  name: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Latency {
  p50: number;
  p99: number;
}

function hasCommand(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export const SATURATION_TOOL = hasCommand("wrk") ? "wrk" : "autocannon";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summarise(samples: number[]): Latency {
  const sorted = samples.sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)) };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export async function send(pool: Pool, scenario: Scenario): Promise<void> {
  const response = await pool.request({ path: scenario.path, method: "POST", headers: scenario.headers, body: scenario.body });
  await response.body.dump();
  if (response.statusCode !== 200) throw new Error(`${scenario.name}: HTTP ${response.statusCode}`);
}

/** A wrk script that POSTs the scenario's body with its headers; returns its path. */
export function writeWrkScript(file: string, scenario: Scenario): string {
  const headers = Object.entries(scenario.headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`);
  fs.writeFileSync(file, [`wrk.method = "POST"`, `wrk.body = ${JSON.stringify(scenario.body)}`, ...headers].join("\n"));
  return file;
}

/** Requests per second (and how many completed) with `connections` clients for `seconds`. */
export async function saturation(origin: string, scenario: Scenario, seconds: number, connections: number): Promise<{ rps: number; requests: number }> {
  if (SATURATION_TOOL === "wrk") {
    const script = writeWrkScript(path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-wrk-")), "post.lua"), scenario);
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn("wrk", ["-t1", `-c${connections}`, `-d${seconds}s`, "-s", script, `${origin}${scenario.path}`]);
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.once("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited ${code}`))));
    });
    if (/Non-2xx/.test(output)) throw new Error(`${scenario.name}: non-2xx answers under load\n${output}`);
    return { rps: Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(output)![1])), requests: Number(/(\d+) requests in/.exec(output)![1]) };
  }
  const result = await autocannon({ url: `${origin}${scenario.path}`, method: "POST", headers: scenario.headers, body: scenario.body, connections, duration: seconds });
  if (result.non2xx > 0) throw new Error(`${scenario.name}: ${result.non2xx} non-2xx answers under load`);
  return { rps: Math.round(result.requests.average), requests: result.requests.total };
}

/** 0 … n−1 in a random order (Fisher–Yates). */
function shuffled(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * Several targets at concurrency 1, called back to back — the usual c1 figure (as `wrk -c1` gives it): each
 * target gets blocks of `block` calls in a row, after 5 that wake every process on its path, and the targets'
 * blocks are shuffled every round; many short rounds, so drift in the machine's load hits all of them alike.
 */
export async function callsInBlocks(calls: readonly (() => Promise<unknown>)[], rounds: number, block: number): Promise<Latency[]> {
  const samples = calls.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const j of shuffled(calls.length)) {
      for (let i = 0; i < 5; i++) await calls[j]!();
      for (let i = 0; i < block; i++) samples[j]!.push(await timed(calls[j]!));
    }
  }
  return samples.map(summarise);
}

/**
 * The same targets, one call to each in turn in a shuffled order: every call finds the processes on its
 * path idle since the call before (as an agent that thinks between calls does), which on a virtual
 * machine costs each hop a wake-up.
 */
export async function callsInterleaved(calls: readonly (() => Promise<unknown>)[], count: number): Promise<Latency[]> {
  for (let i = 0; i < 200; i++) for (const call of calls) await call();
  const samples = calls.map(() => [] as number[]);
  for (let i = 0; i < count; i++) for (const j of shuffled(calls.length)) samples[j]!.push(await timed(calls[j]!));
  return samples.map(summarise);
}

async function timed(call: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await call();
  return performance.now() - start;
}

/** callsInBlocks and callsInterleaved of one scenario on several HTTP targets. */
export async function latencyOfTargets(targets: readonly { origin: string; scenario: Scenario }[], count: number): Promise<{ backToBack: Latency[]; cold: Latency[] }> {
  const pools = targets.map((t) => new Pool(t.origin, { connections: 1 }));
  const calls = targets.map((t, j) => () => send(pools[j]!, t.scenario));
  try {
    return { backToBack: await callsInBlocks(calls, count / 50, 50), cold: await callsInterleaved(calls, count) };
  } finally {
    for (const pool of pools) await pool.close();
  }
}

/** Requests started at a fixed rate whatever the answers do. */
export async function latencyAtFixedRate(origin: string, scenario: Scenario, perSecond: number, seconds: number): Promise<Latency> {
  const pool = new Pool(origin, { connections: 64 });
  for (let i = 0; i < 200; i++) await send(pool, scenario);
  const total = perSecond * seconds;
  const interval = 1000 / perSecond;
  const samples: number[] = [];
  const pending: Promise<void>[] = [];
  const begin = performance.now();
  for (let i = 0; i < total; i++) {
    const scheduled = begin + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    // Late: count from the scheduled time (the wait is part of the latency); early by under 1 ms: from the send.
    const from = Math.max(scheduled, performance.now());
    pending.push(send(pool, scenario).then(() => void samples.push(performance.now() - from)));
  }
  await Promise.all(pending);
  await pool.close();
  return summarise(samples);
}
