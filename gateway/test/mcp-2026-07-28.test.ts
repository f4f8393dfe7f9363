// MCP 2026-07-28 through the gateway: stateless requests (no handshake, no
// session) judged like any other, against the reference upstream written from
// the specification, answering in JSON and in SSE.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStatelessUpstream, STATELESS_TOOLS, type StatelessUpstream } from "../../demo/mcp-2026/reference-server";
import { statelessRequest } from "../../demo/mcp-2026/client";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

const DEV = { apikey: "dev-api-key-1", authorization: "Bearer upstream-token" };

function configFor(jsonUrl: string, sseUrl: string) {
  const server = (name: string, upstream: string) => ({
    name,
    path: `/${name}`,
    upstream,
    auth: { mode: "passthrough" },
    acl: {
      default: {},
      tools: [
        { name: "push_files", allow: ["admin"] },
        { name: "create_issue", deny: ["developer"] },
      ],
    },
  });
  return {
    version: 1,
    consumer_groups: [{ name: "admin" }, { name: "developer" }],
    consumers: [{ username: "dev-user", groups: ["developer"], keys: [{ key: "dev-api-key-1" }] }],
    servers: [server("json", jsonUrl), server("sse", sseUrl)],
  };
}

let json: StatelessUpstream;
let sse: StatelessUpstream;
let gw: TestGateway;

beforeAll(async () => {
  [json, sse] = await Promise.all([startStatelessUpstream(), startStatelessUpstream({ sse: true })]);
  gw = await startTestGateway(configFor(json.url, sse.url));
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([json?.close(), sse?.close()]);
});

const upstreams = () => ({ json, sse });

describe.each(["json", "sse"] as const)("2026-07-28 with %s answers", (mode) => {
  const url = () => `${gw.url}/${mode}`;
  const send = (method: string, params: Record<string, unknown> = {}, options = {}) => statelessRequest(url(), method, params, { headers: DEV, ...options });

  it("forwards server/discover without a handshake or a session", async () => {
    const answer = await send("server/discover");
    expect(answer.status).toBe(200);
    expect(answer.message.result).toMatchObject({ resultType: "complete", supportedVersions: ["2026-07-28"], capabilities: { tools: {} } });
    expect(answer.headers.get("mcp-session-id")).toBeNull();
  });

  it("filters every page of tools/list, marks it private and keeps the upstream's ttlMs", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const answer = await send("tools/list", cursor === undefined ? {} : { cursor });
      const result = answer.message.result!;
      expect(result).toMatchObject({ resultType: "complete", cacheScope: "private", ttlMs: 300_000 });
      seen.push(...(result.tools as { name: string }[]).map((t) => t.name));
      cursor = result.nextCursor as string | undefined;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(STATELESS_TOOLS.map((t) => t.name).filter((n) => n !== "push_files" && n !== "create_issue"));
  });

  it("refuses a denied call without forwarding it, forwards an allowed one, and audits both", async () => {
    const before = upstreams()[mode].requests.length;
    const denied = await send("tools/call", { name: "push_files", arguments: {} });
    expect(denied.message.error).toMatchObject({ code: -32602, data: { reason: "tool_denied" } });
    expect(upstreams()[mode].requests.length).toBe(before);
    const allowed = await send("tools/call", { name: "echo", arguments: { text: "hi" } });
    expect(allowed.message.result).toMatchObject({ resultType: "complete", content: [{ type: "text", text: 'echo: {"text":"hi"}' }] });
    const event = await gw.audit.next((e) => e.server === mode && e.tool === "push_files");
    expect(event).toMatchObject({ consumer: "dev-user", method: "tools/call", decision: "deny", reason: "tool_denied", session: false });
    expect(await gw.audit.next((e) => e.server === mode && e.tool === "echo")).toMatchObject({ decision: "allow", status: 200 });
  });

  it("passes an input_required result through unchanged and judges the retry again", async () => {
    const first = await send("tools/call", { name: "delete_branch", arguments: { text: "feature" } });
    const interim = first.message.result!;
    expect(interim).toMatchObject({ resultType: "input_required", inputRequests: { confirm: { method: "elicitation/create" } } });
    expect(typeof interim.requestState).toBe("string");
    const retry = await send("tools/call", {
      name: "delete_branch",
      arguments: { text: "feature" },
      inputResponses: { confirm: { action: "accept", content: {} } },
      requestState: interim.requestState,
    });
    expect(retry.message.result).toMatchObject({ resultType: "complete" });
    expect(upstreams()[mode].completedCalls).toContain("delete_branch");
    // A retry that switches to a denied tool is judged as that tool.
    const before = upstreams()[mode].requests.length;
    const switched = await send("tools/call", {
      name: "create_issue",
      arguments: {},
      inputResponses: { confirm: { action: "accept", content: {} } },
      requestState: interim.requestState,
    });
    expect(switched.message.error).toMatchObject({ data: { reason: "tool_denied" } });
    expect(upstreams()[mode].requests.length).toBe(before);
  });

  it("keeps trace context in _meta intact", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    await send("tools/call", { name: "echo", arguments: {}, _meta: { traceparent, tracestate: "vendor=1" } });
    const forwarded = upstreams()[mode].requests.at(-1)!.body.params as { _meta: Record<string, unknown> };
    expect(forwarded._meta).toMatchObject({ traceparent, tracestate: "vendor=1", "io.modelcontextprotocol/protocolVersion": "2026-07-28" });
  });
});

describe("2026-07-28 requests the gateway refuses", () => {
  const url = () => `${gw.url}/json`;

  it.each([
    ["Mcp-Method missing", "tools/list", {}, ["mcp-method"], "Mcp-Method is required"],
    ["Mcp-Name missing on tools/call", "tools/call", { name: "echo" }, ["mcp-name"], "Mcp-Name is required"],
  ])("%s: 400 with -32020, never forwarded", async (_what, method, params, omit, message) => {
    const before = json.requests.length;
    const answer = await statelessRequest(url(), method, params, { headers: DEV, omit });
    expect(answer.status).toBe(400);
    expect(answer.message.error).toMatchObject({ code: -32020, data: { reason: "header_mismatch" }, message: expect.stringContaining(message) });
    expect(json.requests.length).toBe(before);
  });

  it("refuses a body whose _meta names another version than the header", async () => {
    const answer = await statelessRequest(url(), "tools/list", { _meta: { "io.modelcontextprotocol/protocolVersion": "2025-11-25" } }, { headers: DEV });
    expect(answer.status).toBe(400);
    expect(answer.message.error).toMatchObject({ code: -32020 });
  });

  it("refuses a protocol version it does not know with -32022 and the versions it serves", async () => {
    const before = json.requests.length;
    const answer = await statelessRequest(
      url(),
      "tools/list",
      { _meta: { "io.modelcontextprotocol/protocolVersion": "2099-01-01" } },
      { headers: { ...DEV, "mcp-protocol-version": "2099-01-01" } },
    );
    expect(answer.status).toBe(400);
    expect(answer.message.error).toMatchObject({
      code: -32022,
      data: { reason: "unsupported_protocol_version", requested: "2099-01-01", supported: expect.arrayContaining(["2026-07-28", "2025-03-26"]) },
    });
    expect(json.requests.length).toBe(before);
  });

  it("refuses tools/call sent as a notification", async () => {
    const response = await fetch(url(), {
      method: "POST",
      headers: { ...DEV, "content-type": "application/json", "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call", "mcp-name": "push_files" },
      body: JSON.stringify({ jsonrpc: "2.0", method: "tools/call", params: { name: "push_files", _meta: { "io.modelcontextprotocol/protocolVersion": "2026-07-28" } } }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.data.reason).toBe("invalid_request");
  });
});
