// The gateway in front of the real @modelcontextprotocol/server-everything,
// driven by the real SDK client: what an admin and a developer see and may
// call, progress streamed through SSE, a stream resumed after a disconnect,
// sessions bound to the consumer that created them.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEverythingServer, type EverythingServer } from "./support/everything-server";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

let upstream: EverythingServer;
let gw: TestGateway;

const config = (upstreamUrl: string) => ({
  version: 1,
  consumer_groups: [{ name: "admin" }, { name: "developer" }],
  consumers: [
    { username: "admin-user", groups: ["admin"], keys: [{ key: "admin-api-key" }] },
    { username: "dev-user", groups: ["developer"], keys: [{ key: "dev-api-key-1" }] },
  ],
  servers: [
    {
      name: "everything",
      path: "/everything",
      upstream: upstreamUrl,
      auth: { mode: "passthrough" },
      acl: {
        default: { deny: ["developer"] },
        tools: [
          { name: "echo", allow: ["admin", "developer"] },
          { name: "get-sum", allow: ["admin"] },
          { name: "trigger-long-running-operation", allow: ["admin", "developer"] },
        ],
      },
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

async function connect(key: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(`${gw.url}/everything`), {
    requestInit: { headers: { apikey: key, authorization: "Bearer upstream-issued-token" } },
  });
  const client = new Client({ name: "portcullis-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport };
}

const mcpHeaders = (key: string, sessionId: string) => ({
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  authorization: "Bearer upstream-issued-token",
  apikey: key,
  "mcp-session-id": sessionId,
  "mcp-protocol-version": "2025-06-18",
});

/** Reads SSE events from a fetch body until `until` says stop. */
async function readEvents(body: ReadableStream<Uint8Array>, until: (events: { id?: string; data?: string }[]) => boolean) {
  const events: { id?: string; data?: string }[] = [];
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  while (!until(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event: { id?: string; data?: string } = {};
      for (const line of block.split("\n")) {
        if (line.startsWith("id:")) event.id = line.slice(3).trim();
        if (line.startsWith("data:")) event.data = line.slice(5).trim();
      }
      if (event.id || event.data) events.push(event);
    }
  }
  await reader.cancel();
  return events;
}

describe("passthrough route in front of server-everything, with the SDK client", () => {
  it("lists every tool for an admin and only the allowed ones for a developer", async () => {
    const admin = await connect("admin-api-key");
    const dev = await connect("dev-api-key-1");
    const adminTools = (await admin.client.listTools()).tools.map((t) => t.name);
    const devTools = (await dev.client.listTools()).tools.map((t) => t.name);
    expect(adminTools).toEqual(expect.arrayContaining(["echo", "get-sum", "trigger-long-running-operation", "get-env"]));
    expect(devTools.sort()).toEqual(["echo", "trigger-long-running-operation"]);
    await admin.client.close();
    await dev.client.close();
  });

  it("calls an allowed tool, and answers a denied one itself without reaching the upstream", async () => {
    const { client } = await connect("dev-api-key-1");
    const echoed = await client.callTool({ name: "echo", arguments: { message: "hello" } });
    expect(JSON.stringify(echoed.content)).toContain("hello");
    await expect(client.callTool({ name: "get-sum", arguments: { a: 1, b: 2 } })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining("Tool 'get-sum' is not available for consumer group 'developer'"),
    });
    const denied = await gw.audit.next((e) => e.tool === "get-sum" && e.consumer === "dev-user");
    expect(denied).toMatchObject({ decision: "deny", reason: "tool_denied", status: 200, jsonrpc_error: -32602, upstream_latency_ms: null });
    const admin = await connect("admin-api-key");
    const sum = await admin.client.callTool({ name: "get-sum", arguments: { a: 1, b: 2 } });
    expect(JSON.stringify(sum.content)).toContain("3");
    await client.close();
    await admin.client.close();
  });

  it("streams a long-running tool's progress as it happens, not buffered until the result", async () => {
    const { client } = await connect("dev-api-key-1");
    const progress: { at: number; progress: number }[] = [];
    const result = await client.callTool({ name: "trigger-long-running-operation", arguments: { duration: 1, steps: 4 } }, undefined, {
      onprogress: (p) => progress.push({ at: performance.now(), progress: p.progress }),
    });
    const done = performance.now();
    expect(progress.map((p) => p.progress)).toEqual([1, 2, 3, 4]);
    // The first step's notification arrived well before the final result (steps are 250 ms apart).
    expect(done - progress[0]!.at).toBeGreaterThan(400);
    expect(JSON.stringify(result.content)).toContain("Long running operation completed");
    await client.close();
  });

  it("resumes a stream after a disconnect: GET with Last-Event-ID replays the rest, the result included", async () => {
    const { client, transport } = await connect("admin-api-key");
    const sessionId = transport.sessionId!;
    const call = await fetch(`${gw.url}/everything`, {
      method: "POST",
      headers: mcpHeaders("admin-api-key", sessionId),
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 77,
        method: "tools/call",
        params: { name: "trigger-long-running-operation", arguments: { duration: 1, steps: 4 }, _meta: { progressToken: "p77" } },
      }),
    });
    expect(call.headers.get("content-type")).toContain("text/event-stream");
    // Take the first progress event, then drop the connection.
    const first = await readEvents(call.body!, (events) => events.length >= 1);
    expect(JSON.parse(first[0]!.data!)).toMatchObject({ method: "notifications/progress", params: { progress: 1 } });
    // server-everything's event store replays what it has stored, so resume once the tool has finished:
    // a call started now, running longer than the first one's remaining time, ends after it.
    await client.callTool({ name: "trigger-long-running-operation", arguments: { duration: 1.2, steps: 1 } });

    const resumed = await fetch(`${gw.url}/everything`, { headers: { ...mcpHeaders("admin-api-key", sessionId), "last-event-id": first[0]!.id! } });
    expect(resumed.status).toBe(200);
    const rest = await readEvents(resumed.body!, (events) => events.some((e) => e.data?.includes('"id":77')));
    const messages = rest.map((e) => JSON.parse(e.data!));
    // (The store replays every stream of the session; pick this call's messages.)
    expect(messages.filter((m) => m.params?.progressToken === "p77").map((m) => m.params.progress)).toEqual([2, 3, 4]);
    expect(messages.find((m) => m.id === 77)).toMatchObject({ id: 77, result: { content: [expect.objectContaining({ text: expect.stringContaining("completed") })] } });
    await client.close();
  });

  it("binds a session to the consumer that created it", async () => {
    const { client, transport } = await connect("admin-api-key");
    const sessionId = transport.sessionId!;
    const list = JSON.stringify({ jsonrpc: "2.0", id: 5, method: "tools/list" });
    const asAdmin = await fetch(`${gw.url}/everything`, { method: "POST", headers: mcpHeaders("admin-api-key", sessionId), body: list });
    expect(asAdmin.status).toBe(200);
    await asAdmin.body?.cancel();

    const asDev = await fetch(`${gw.url}/everything`, { method: "POST", headers: mcpHeaders("dev-api-key-1", sessionId), body: list });
    expect(asDev.status).toBe(404);
    expect(await asDev.json()).toMatchObject({ error: { code: -32001, message: "Session not found" } });

    const { apikey: _none, ...withoutKey } = mcpHeaders("admin-api-key", sessionId);
    const keyless = await fetch(`${gw.url}/everything`, { method: "POST", headers: withoutKey, body: list });
    expect(keyless.status).toBe(403);

    // The upstream's own id, without the gateway's binding, is not a session either.
    const bare = sessionId.slice(0, sessionId.lastIndexOf("."));
    const unbound = await fetch(`${gw.url}/everything`, { method: "POST", headers: mcpHeaders("admin-api-key", bare), body: list });
    expect(unbound.status).toBe(404);
    await client.close();
  });

  it("ends a session with DELETE", async () => {
    const { client, transport } = await connect("admin-api-key");
    await transport.terminateSession();
    expect(transport.sessionId).toBeUndefined();
    const event = await gw.audit.next((e) => e.http_method === "DELETE");
    expect(event).toMatchObject({ decision: "allow", status: 200, consumer: "admin-user", session: true });
    await client.close();
  });
});
