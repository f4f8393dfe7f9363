// Every revision the gateway serves, on one gateway, each against an upstream
// speaking that revision, in JSON and in SSE: the same identity, ACL and audit.
// The earlier revisions are driven by a raw client that asks for the revision
// in `initialize` (the SDK client always asks for its newest); 2026-07-28 has
// its own suite (mcp-2026-07-28.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SDK_TOOLS, startSdkUpstream, type SdkUpstream } from "./support/sdk-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

const KEY = { apikey: "dev-api-key-1", authorization: "Bearer upstream-token" };
let upstreams: Record<"json" | "sse", SdkUpstream>;
let gw: TestGateway;

beforeAll(async () => {
  const [json, sse] = await Promise.all([startSdkUpstream({ json: true }), startSdkUpstream({ json: false })]);
  upstreams = { json, sse };
  const server = (name: string, upstream: string) => ({
    name,
    path: `/${name}`,
    upstream,
    auth: { mode: "passthrough" },
    acl: { default: {}, tools: [{ name: "push_files", allow: ["admin"] }] },
  });
  gw = await startTestGateway({
    version: 1,
    consumer_groups: [{ name: "admin" }, { name: "developer" }],
    consumers: [{ username: "dev-user", groups: ["developer"], keys: [{ key: "dev-api-key-1" }] }],
    servers: [server("json", json.url), server("sse", sse.url)],
  });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all(Object.values(upstreams ?? {}).map((u) => u.close()));
});

async function readAnswer(response: Response): Promise<{ id?: unknown; result?: Record<string, unknown>; error?: { data?: { reason?: string } } } | undefined> {
  const text = await response.text();
  if (!text) return undefined;
  if (!(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) return JSON.parse(text);
  const data = text
    .split("\n")
    .filter((l) => l.startsWith("data:"))
    .map((l) => l.slice(5).trim())
    .filter(Boolean);
  return JSON.parse(data.at(-1)!);
}

describe.each(["2025-03-26", "2025-06-18", "2025-11-25"])("revision %s", (revision) => {
  describe.each(["json", "sse"] as const)("with %s answers", (mode) => {
    let session: string | undefined;
    let nextId = 1;
    const post = (message: Record<string, unknown>) =>
      fetch(`${gw.url}/${mode}`, {
        method: "POST",
        headers: {
          ...KEY,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          // 2025-03-26 has no version header (its absence means 2025-03-26).
          ...(revision === "2025-03-26" ? {} : { "mcp-protocol-version": revision }),
          ...(session ? { "mcp-session-id": session } : {}),
        },
        body: JSON.stringify({ jsonrpc: "2.0", ...message }),
      });
    const request = async (method: string, params: Record<string, unknown> = {}) => readAnswer(await post({ id: nextId++, method, params }));

    it("initializes a bound session in that revision, filters the list, refuses a denied call unforwarded, runs an allowed one", async () => {
      const init = await post({ id: nextId++, method: "initialize", params: { protocolVersion: revision, capabilities: {}, clientInfo: { name: "raw", version: "1" } } });
      session = init.headers.get("mcp-session-id") ?? undefined;
      expect((await readAnswer(init))!.result!.protocolVersion).toBe(revision);
      // The client gets the gateway's bound id, never the upstream's bare one.
      expect(session).toMatch(/\./);
      expect((await post({ method: "notifications/initialized" })).status).toBe(202);

      const list = await request("tools/list");
      expect((list!.result!.tools as { name: string }[]).map((t) => t.name)).toEqual(SDK_TOOLS.map((t) => t.name).filter((n) => n !== "push_files"));

      const ran = upstreams[mode].calls.length;
      const seen = gw.audit.events.length;
      const audited = (tool: string) => gw.audit.next((e) => e.server === mode && e.tool === tool && gw.audit.events.indexOf(e) >= seen);
      const denied = await request("tools/call", { name: "push_files", arguments: {} });
      expect(denied!.error!.data!.reason).toBe("tool_denied");
      expect(upstreams[mode].calls.length).toBe(ran);

      const allowed = await request("tools/call", { name: "echo", arguments: {} });
      expect(allowed!.result!.content).toEqual([{ type: "text", text: "echo ran" }]);
      expect(upstreams[mode].calls.at(-1)).toBe("echo");
      expect(await audited("push_files")).toMatchObject({ decision: "deny", reason: "tool_denied", consumer: "dev-user", session: true });
      expect(await audited("echo")).toMatchObject({ decision: "allow", consumer: "dev-user", session: true });
    });
  });
});
