// Rate limits on one gateway (the in-process limiter) in front of the real
// server-everything, driven by the SDK client: exactly the budget admitted,
// the 429's shape, a denial in the audit and the metrics, and a concurrency
// slot freed when the client holding it disconnects.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEverythingServer, type EverythingServer } from "./support/everything-server";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

let upstream: EverythingServer;
let gw: TestGateway;

const config = (upstreamUrl: string) => ({
  version: 1,
  consumer_groups: [{ name: "developer" }],
  consumers: [
    { username: "dev-a", groups: ["developer"], keys: [{ key: "dev-a-api-key" }] },
    { username: "dev-b", groups: ["developer"], keys: [{ key: "dev-b-api-key" }] },
    { username: "dev-c", groups: ["developer"], keys: [{ key: "dev-c-api-key" }] },
    { username: "dev-d", groups: ["developer"], keys: [{ key: "dev-d-api-key" }] },
  ],
  servers: [
    {
      name: "everything",
      path: "/everything",
      upstream: upstreamUrl,
      auth: { mode: "passthrough" },
      limits: [
        { subject: "developer", tool: "echo", per_minute: 3 },
        { subject: "dev-c", tool: "trigger-long-running-operation", concurrent: 1 },
        { subject: "*", per_hour: 1000 },
      ],
    },
  ],
});

beforeAll(async () => {
  upstream = await startEverythingServer();
  gw = await startTestGateway(config(upstream.url));
});
afterAll(async () => {
  await gw?.close();
  await upstream?.stop();
});

async function connect(key: string) {
  const transport = new StreamableHTTPClientTransport(new URL(`${gw.url}/everything`), {
    requestInit: { headers: { apikey: key, authorization: "Bearer upstream-issued-token" } },
  });
  const client = new Client({ name: "portcullis-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport };
}

const echo = (client: Client, message: string) => client.callTool({ name: "echo", arguments: { message } });

function post(key: string, sessionId: string, body: unknown, signal?: AbortSignal) {
  return fetch(`${gw.url}/everything`, {
    method: "POST",
    signal,
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      authorization: "Bearer upstream-issued-token",
      apikey: key,
      "mcp-session-id": sessionId,
      "mcp-protocol-version": "2025-06-18",
    },
    body: JSON.stringify(body),
  });
}

describe("rate limits on one gateway", () => {
  it("admits exactly per_minute calls per consumer, then answers 429 with when to retry", async () => {
    const a = await connect("dev-a-api-key");
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => echo(a.client, `m${i}`)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 429, message: expect.stringContaining('"reason":"rate_limited"') });

    // Another developer has budgets of its own; tools without a per-minute rule are not counted by it.
    const b = await connect("dev-b-api-key");
    expect((await echo(b.client, "mine")).content).toEqual([expect.objectContaining({ text: expect.stringContaining("mine") })]);
    await expect(a.client.callTool({ name: "get-sum", arguments: { a: 1, b: 2 } })).resolves.toMatchObject({ content: [expect.anything()] });

    const response = await post("dev-a-api-key", a.transport.sessionId!, {
      jsonrpc: "2.0",
      id: 41,
      method: "tools/call",
      params: { name: "echo", arguments: { message: "again" } },
    });
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect(response.headers.get("ratelimit-policy")).toBe('"developer:echo:per_minute";q=3;w=60');
    expect(response.headers.get("ratelimit")).toBe(`"developer:echo:per_minute";r=0;t=${retryAfter}`);
    expect(await response.json()).toEqual({
      jsonrpc: "2.0",
      id: 41,
      error: {
        code: -32000,
        message: `Rate limit reached: 3 calls a minute for 'developer' on tool 'echo' of everything; retry in ${retryAfter} s`,
        data: {
          reason: "rate_limited",
          retry_after_s: retryAfter,
          rule: { server: "everything", subject: "developer", tool: "echo", limit: "per_minute", quota: 3, window_s: 60 },
        },
      },
    });

    const denied = await gw.audit.next((e) => e.reason === "rate_limited" && e.consumer === "dev-a");
    expect(denied).toMatchObject({ decision: "deny", status: 429, tool: "echo", upstream_latency_ms: null, jsonrpc_error: -32000 });
    expect(gw.gateway.metrics()).toMatch(/portcullis_denials_total\{server="everything",tool="[^"]+",reason="rate_limited"\} 4\n/);
    await a.client.close();
    await b.client.close();
  });

  it("tells an admitted call what is left of its tightest budget (RateLimit-Policy and RateLimit on the 200)", async () => {
    const d = await connect("dev-d-api-key");
    const call = (id: number, name: string) =>
      post("dev-d-api-key", d.transport.sessionId!, { jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: { message: "x", a: 1, b: 2 } } });
    const headers = async (response: Response) => {
      await response.arrayBuffer();
      return [response.status, response.headers.get("ratelimit-policy"), response.headers.get("ratelimit")];
    };
    // Two rules match echo (3 a minute for the group, 1000 an hour for everyone): the per-minute one has fewer calls left.
    expect(await headers(await call(1, "echo"))).toEqual([200, '"developer:echo:per_minute";q=3;w=60', '"developer:echo:per_minute";r=2;t=20']);
    expect(await headers(await call(2, "echo"))).toEqual([200, '"developer:echo:per_minute";q=3;w=60', expect.stringMatching(/^"developer:echo:per_minute";r=1;t=(39|40)$/)]);
    // get-sum is only under the hourly rule, which counted all three calls: 3.6 s each to refill.
    expect(await headers(await call(3, "get-sum"))).toEqual([200, '"*:*:per_hour";q=1000;w=3600', '"*:*:per_hour";r=997;t=11']);
    await d.client.close();
  });

  it("refuses a whole batch when one of its calls is over the limit", async () => {
    const b = await connect("dev-b-api-key");
    // dev-b spent 1 of its 3 echoes above: a batch of three echoes needs 3.
    const call = (id: number) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "echo", arguments: { message: String(id) } } });
    const response = await fetch(`${gw.url}/everything`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        authorization: "Bearer upstream-issued-token",
        apikey: "dev-b-api-key",
        "mcp-protocol-version": "2025-03-26",
      },
      body: JSON.stringify([call(1), call(2), call(3)]),
    });
    expect(await response.json()).toMatchObject({ id: null, error: { data: { reason: "rate_limited", rule: { limit: "per_minute" } } } });
    // Nothing of the refused batch was spent: two single echoes are still admitted.
    await echo(b.client, "x");
    await echo(b.client, "y");
    await expect(echo(b.client, "z")).rejects.toMatchObject({ code: 429 });
    await b.client.close();
  });

  it("frees a concurrency slot when the client holding it disconnects", async () => {
    const c = await connect("dev-c-api-key");
    const sessionId = c.transport.sessionId!;
    const long = {
      jsonrpc: "2.0",
      id: 7,
      method: "tools/call",
      params: { name: "trigger-long-running-operation", arguments: { duration: 30, steps: 30 }, _meta: { progressToken: "p7" } },
    };
    const holder = new AbortController();
    const first = await post("dev-c-api-key", sessionId, long, holder.signal);
    expect(first.status).toBe(200);

    const second = await post("dev-c-api-key", sessionId, { ...long, id: 8 });
    expect(second.status).toBe(429);
    expect(second.headers.get("ratelimit-policy")).toBe('"dev-c:trigger-long-running-operation:concurrent";q=1;qu="concurrent-requests"');
    expect(await second.json()).toMatchObject({ id: 8, error: { data: { reason: "rate_limited", retry_after_s: 1, rule: { limit: "concurrent", quota: 1, window_s: null } } } });

    holder.abort();
    await gw.audit.next((e) => e.consumer === "dev-c" && e.reason === "client_closed");
    const third = await c.client.callTool({ name: "trigger-long-running-operation", arguments: { duration: 0.2, steps: 1 } });
    expect(JSON.stringify(third.content)).toContain("completed");
    // Once that call has ended, its slot is free again too.
    await expect(c.client.callTool({ name: "trigger-long-running-operation", arguments: { duration: 0.1, steps: 1 } })).resolves.toMatchObject({ content: [expect.anything()] });
    await c.client.close();
  });
});
