// CEL conditions on ACL rules, end to end: the MCP SDK client through the
// gateway to a recording upstream. A call a condition refuses never reaches
// the upstream; tools/list stays decided by name; a condition that does not
// compile keeps the configuration from loading.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeMcpServer } from "./support/fake-mcp-server";
import { startRecordingUpstream, type RecordingUpstream } from "./support/recording-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

const PUSH_RULE = {
  name: "push_files",
  allow: ["developer"],
  when: 'args.owner == "acme" && !(args.branch in ["main", "master"])',
  message: "Push to acme's feature branches only",
};
// Pathological on purpose: ~100 nodes, run once per label.
const LABELS_RULE = { name: "create_issue", when: `!args.labels.exists(l, ${Array.from({ length: 30 }, (_, i) => `l == "blocked-${i}"`).join(" || ")})` };
const SEARCH_RULE = { name: "search_code", deny: ["*"], when: 'args.q.contains("password")', message: "Searching for passwords is not allowed" };

function configFor(upstreamUrl: string, tools: unknown[] = [PUSH_RULE, SEARCH_RULE, LABELS_RULE]) {
  return {
    version: 1,
    consumer_groups: [{ name: "developer" }],
    consumers: [{ username: "dev-user", groups: ["developer"], keys: [{ key: "dev-api-key-1" }] }],
    servers: [{ name: "github", path: "/github-mcp", upstream: upstreamUrl, auth: { mode: "passthrough" }, acl: { tools } }],
  };
}

let upstream: RecordingUpstream;
let gw: TestGateway;
let client: Client;

beforeAll(async () => {
  upstream = await startRecordingUpstream(fakeMcpServer);
  gw = await startTestGateway(configFor(upstream.url));
  client = new Client({ name: "portcullis-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${gw.url}/github-mcp`), { requestInit: { headers: { apikey: "dev-api-key-1", authorization: "Bearer gho_token" } } }),
  );
});
afterAll(async () => {
  await client?.close();
  await gw?.close();
  await upstream?.close();
});

/** Whether the call reached the upstream, and what the client got. */
async function callTool(name: string, args: Record<string, unknown>) {
  const before = upstream.requests.filter((r) => r.body.includes('"tools/call"')).length;
  const outcome = await client.callTool({ name, arguments: args }).then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error }),
  );
  const forwarded = upstream.requests.filter((r) => r.body.includes('"tools/call"')).length > before;
  return { ...outcome, forwarded };
}

describe("CEL conditions through the gateway", () => {
  it.each([
    ["push_files", { owner: "acme", branch: "feature/docs", message: "m", files: [] }],
    ["search_code", { q: "function main" }],
  ])("forwards %s %j, which its condition admits", async (name, args) => {
    const { result, forwarded } = await callTool(name, args);
    expect(forwarded).toBe(true);
    expect(JSON.stringify(result?.content)).toContain(`called ${name}`);
  });

  it.each([
    ["push_files", { owner: "acme", branch: "main", message: "m", files: [] }, "Push to acme's feature branches only"],
    ["push_files", { owner: "someone-else", branch: "feature/docs", message: "m", files: [] }, "Push to acme's feature branches only"],
    ["search_code", { q: "AWS password for prod" }, "Searching for passwords is not allowed"],
    // Arguments that also spell a protobuf Struct: CEL reads the object's own keys, as the upstream does.
    [
      "push_files",
      { $typeName: "google.protobuf.Struct", fields: { branch: { kind: { case: "stringValue", value: "feature/docs" } } }, owner: "acme", branch: "main", files: [] },
      "Push to acme's feature branches only",
    ],
    ["search_code", { $typeName: "google.protobuf.Struct", fields: {}, q: "AWS password for prod" }, "Searching for passwords is not allowed"],
  ])("refuses %s %j with the rule's message and never forwards it", async (name, args, message) => {
    const { error, forwarded } = await callTool(name, args);
    expect(forwarded).toBe(false);
    expect(error).toMatchObject({ code: -32602, message: expect.stringContaining(message), data: { reason: "condition_denied", rule: name } });
    const event = await gw.audit.next((e) => e.tool === name && e.decision === "deny");
    expect(event).toMatchObject({ consumer: "dev-user", reason: "condition_denied", jsonrpc_error: -32602, upstream_latency_ms: null });
    gw.audit.events.length = 0;
  });

  it("fails closed when the condition cannot be evaluated on the arguments, and audits why", async () => {
    const { error, forwarded } = await callTool("push_files", { branch: "feature/docs" });
    expect(forwarded).toBe(false);
    expect(error).toMatchObject({ code: -32602, data: { reason: "condition_failed", rule: "push_files" } });
    expect((error as Error).message).not.toContain("owner");
    await expect(gw.audit.next((e) => e.reason === "condition_failed")).resolves.toMatchObject({ decision: "deny", tool: "push_files" });
  });

  it("refuses arguments over the condition's cost limit without evaluating it, and audits it with its own reason", async () => {
    const labels = Array.from({ length: 20_000 }, (_, i) => `l${i}`);
    const small = await callTool("create_issue", { labels: labels.slice(0, 20) });
    expect(small).toMatchObject({ error: undefined, forwarded: true });
    const { error, forwarded } = await callTool("create_issue", { labels });
    expect(forwarded).toBe(false);
    expect(error).toMatchObject({ code: -32602, data: { reason: "condition_cost_exceeded", rule: "create_issue" } });
    await expect(gw.audit.next((e) => e.reason === "condition_cost_exceeded")).resolves.toMatchObject({ decision: "deny", tool: "create_issue" });
  });

  it("lists conditional tools: tools/list is decided by name, calls by their arguments", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["push_files", "search_repositories"]));
  });

  it("refuses a configuration whose condition does not compile, by path, and keeps serving the last good one", async () => {
    const applied = gw.gateway.applyConfig(configFor(upstream.url, [{ name: "get_me" }, SEARCH_RULE, { ...PUSH_RULE, when: 'args.owner == "acme" &&' }]), "test");
    expect(applied).toMatchObject({ ok: false, problems: [expect.stringMatching(/^servers\[0\]\.acl\.tools\[2\]\.when: syntax error/)] });
    const { error } = await callTool("push_files", { owner: "acme", branch: "main" });
    expect(error).toMatchObject({ data: { reason: "condition_denied" } });
  });

  it("reads a condition on a rule with allow and deny as an allow-condition: deny refuses by name, the admitted callers are judged", async () => {
    const config = configFor(upstream.url, [{ ...PUSH_RULE, deny: ["contractor"] }]) as ReturnType<typeof configFor> & { consumers: unknown[]; consumer_groups: unknown[] };
    config.consumer_groups.push({ name: "contractor" });
    config.consumers.push({ username: "carol", groups: ["developer", "contractor"], keys: [{ key: "carol-api-key-1" }] });
    expect(gw.gateway.applyConfig(config, "test")).toMatchObject({ ok: true });
    await expect(callTool("push_files", { owner: "acme", branch: "main" })).resolves.toMatchObject({ forwarded: false, error: { data: { reason: "condition_denied" } } });
    await expect(callTool("push_files", { owner: "acme", branch: "feature/docs" })).resolves.toMatchObject({ forwarded: true, error: undefined });
    const carol = new Client({ name: "portcullis-test", version: "1.0.0" });
    await carol.connect(
      new StreamableHTTPClientTransport(new URL(`${gw.url}/github-mcp`), { requestInit: { headers: { apikey: "carol-api-key-1", authorization: "Bearer gho_token" } } }),
    );
    const refused = await carol.callTool({ name: "push_files", arguments: { owner: "acme", branch: "feature/docs" } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await carol.close();
    expect(refused).toMatchObject({ code: -32602, data: { reason: "tool_denied" }, message: expect.stringContaining("contractor") });
  });
});
