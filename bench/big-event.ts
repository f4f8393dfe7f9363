// The large-event row of `npm run bench`: one 8 MB SSE event (bench/upstream.ts
// answers a tools/call of `big_event` with it) received whole, directly,
// through a TCP relay (bench/tcp-relay.ts: the floor of any second hop),
// through the bare Node proxy (the floor of a second hop in Node) and through
// the gateway, and what a small tools/call sent to the gateway while that
// event is being relayed costs on top of the same call on an idle gateway.
import { Pool } from "undici";
import type { Scenario } from "./load";

export const BIG_EVENT_TOOL = "big_event";
const RUNS = 21;
const WARM_UP = 3;

export interface BigEventFigures {
  event_bytes: number;
  direct_ms: number;
  /** Through a relay that only copies bytes between sockets. */
  tcp_relay_ms: number;
  bare_proxy_ms: number;
  gateway_ms: number;
  /** gateway_ms / direct_ms: target ≤ 1.5. */
  ratio: number;
  /** CPU time each proxy spends on one event: robust where wall time is not (a shared machine). */
  bare_proxy_cpu_ms_per_event: number;
  gateway_cpu_ms_per_event: number;
  /** CPU the bench's own client spends reading one event (the same whichever way it comes). */
  client_cpu_ms_per_event: number;
  small_call_idle_ms: number;
  small_call_during_ms: number;
  /** small_call_during_ms − small_call_idle_ms: target ≤ 50. */
  added_small_call_ms: number;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Sends and reads the answer whole; resolves with the bytes, and calls `firstBytes` when they start. */
async function receive(pool: Pool, scenario: Scenario, firstBytes = () => {}): Promise<number> {
  const response = await pool.request({ path: scenario.path, method: "POST", headers: scenario.headers, body: scenario.body });
  if (response.statusCode !== 200) throw new Error(`${scenario.name}: HTTP ${response.statusCode}`);
  let bytes = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    if (bytes === 0) firstBytes();
    bytes += chunk.length;
  }
  return bytes;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

type Target = { origin: string; big: Scenario };
/** CPU seconds the target's process has used so far. */
type Proxy = Target & { cpuSeconds: () => number };

export async function measureBigEvent(direct: Target, tcp: Target, bare: Proxy, gateway: Proxy & { small: Scenario }): Promise<BigEventFigures> {
  const directPool = new Pool(direct.origin, { connections: 1 });
  const tcpPool = new Pool(tcp.origin, { connections: 1 });
  const barePool = new Pool(bare.origin, { connections: 1 });
  const gatewayPool = new Pool(gateway.origin, { connections: 2 });
  let eventBytes = 0;
  const directMs: number[] = [];
  const tcpMs: number[] = [];
  const bareMs: number[] = [];
  const gatewayMs: number[] = [];
  let bareCpu = 0;
  let gatewayCpu = 0;
  let clientCpu = 0;
  // Interleaved, so a burst of load from elsewhere on the machine hits all alike.
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    if (i === WARM_UP) [bareCpu, gatewayCpu] = [bare.cpuSeconds(), gateway.cpuSeconds()];
    const cpuBefore = process.cpuUsage();
    const d = await timed(async () => (eventBytes = await receive(directPool, direct.big)));
    const { user, system } = process.cpuUsage(cpuBefore);
    if (i >= WARM_UP) clientCpu += (user + system) / 1000;
    const t = await timed(() => receive(tcpPool, tcp.big));
    const b = await timed(() => receive(barePool, bare.big));
    const g = await timed(() => receive(gatewayPool, gateway.big));
    if (i < WARM_UP) continue;
    directMs.push(d);
    tcpMs.push(t);
    bareMs.push(b);
    gatewayMs.push(g);
  }
  const cpuMsPerEvent = (before: number, now: number) => round(((now - before) * 1000) / RUNS);
  const bare_proxy_cpu_ms_per_event = cpuMsPerEvent(bareCpu, bare.cpuSeconds());
  const gateway_cpu_ms_per_event = cpuMsPerEvent(gatewayCpu, gateway.cpuSeconds());

  const idle: number[] = [];
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    const ms = await timed(() => receive(gatewayPool, gateway.small));
    if (i >= WARM_UP) idle.push(ms);
  }
  // The small call starts once the big event's first bytes reach the client: the gateway is mid-relay.
  const during: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let small: Promise<number> | undefined;
    await receive(gatewayPool, gateway.big, () => {
      const startedAt = performance.now();
      small ??= receive(gatewayPool, gateway.small).then(() => performance.now() - startedAt);
    });
    during.push(await small!);
  }
  await directPool.close();
  await tcpPool.close();
  await barePool.close();
  await gatewayPool.close();

  const directMedian = median(directMs);
  const gatewayMedian = median(gatewayMs);
  return {
    event_bytes: eventBytes,
    direct_ms: round(directMedian),
    tcp_relay_ms: round(median(tcpMs)),
    bare_proxy_ms: round(median(bareMs)),
    gateway_ms: round(gatewayMedian),
    ratio: Number((gatewayMedian / directMedian).toFixed(2)),
    bare_proxy_cpu_ms_per_event,
    gateway_cpu_ms_per_event,
    client_cpu_ms_per_event: round(clientCpu / RUNS),
    small_call_idle_ms: round(median(idle)),
    small_call_during_ms: round(median(during)),
    added_small_call_ms: round(median(during) - median(idle)),
  };
}
