// Redaction end to end, the MCP SDK client through the gateway to a recording
// upstream: credentials in a tool's result reach the client masked, from a JSON
// answer and from an SSE event split across chunks (and one hidden behind a
// JSON escape); the audit event counts the maskings; marked arguments are
// recorded only as hashes.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgumentHasher } from "../../lib/core/redaction/argument-redaction";
import { fakeMcpServer } from "./support/fake-mcp-server";
import { startRecordingUpstream, type RecordingUpstream } from "./support/recording-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

const GITHUB_TOKEN = `ghp_${"A1b2C3d4E5".repeat(4).slice(0, 36)}`;
const PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n-----END RSA PRIVATE KEY-----";
const ACME_TOKEN = "acme_live_0123456789abcdef";
const SECRET_CONTENT = "the quarterly numbers nobody may read";

const resultText = `config:\ntoken: ${GITHUB_TOKEN}\nkey: ${PRIVATE_KEY}\ninternal: ${ACME_TOKEN}\nend`;
const expectedText = "config:\ntoken: [redacted:github]\nkey: [redacted:private_key]\ninternal: [redacted:acme]\nend";

const MASTER_KEY = randomBytes(32);
let upstream: RecordingUpstream;
let gw: TestGateway;
let client: Client;

beforeAll(async () => {
  upstream = await startRecordingUpstream((req, res) => {
    const message = req.method === "POST" ? (JSON.parse(req.body) as { id?: number; method?: string; params?: { name?: string } }) : undefined;
    if (message?.method !== "tools/call" || !message.params?.name?.startsWith("read_file")) return fakeMcpServer(req, res);
    const answer = JSON.stringify({ jsonrpc: "2.0", id: message.id, result: { content: [{ type: "text", text: resultText }] } });
    if (message.params?.name === "read_file") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(answer);
    }
    // SSE, the event's data split across three writes, and the token written with a JSON escape (\u0067 is "g").
    const escaped = answer.replace("ghp_", "\\u0067hp_");
    const event = `event: message\ndata: ${escaped}\n\n`;
    const cuts = [Math.floor(event.length / 3), Math.floor((2 * event.length) / 3)];
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(event.slice(0, cuts[0]));
    setImmediate(() => {
      res.write(event.slice(cuts[0], cuts[1]));
      setImmediate(() => res.end(event.slice(cuts[1])));
    });
  });
  gw = await startTestGateway(
    {
      version: 1,
      consumer_groups: [{ name: "developer" }],
      consumers: [{ username: "dev-user", groups: ["developer"], keys: [{ key: "dev-api-key-1" }] }],
      secret_patterns: [{ name: "acme", pattern: "\\bacme_live_[0-9a-f]{16}" }],
      servers: [
        {
          name: "github",
          path: "/github-mcp",
          upstream: upstream.url,
          auth: { mode: "passthrough" },
          result_redaction: "secrets",
          audit_arguments: true,
          acl: { tools: [{ name: "push_files", redact_args: ["args.content", "args.files[*].content"] }] },
        },
      ],
    },
    { masterKey: MASTER_KEY },
  );
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

describe("result_redaction: secrets", () => {
  it.each([
    ["a JSON answer", "read_file"],
    ["an SSE event split across chunks, with a JSON escape inside the token", "read_file_stream"],
  ])("masks a GitHub token, a private key and an admin's pattern in %s, and counts them in the audit event", async (_, tool) => {
    const result = await client.callTool({ name: tool, arguments: { path: "config.yml" } });
    expect(result.content).toEqual([{ type: "text", text: expectedText }]);
    const event = await gw.audit.next((e) => e.tool === tool);
    expect(event).toMatchObject({ decision: "allow", redactions: 3 });
    expect(JSON.stringify(event)).not.toContain(GITHUB_TOKEN.slice(4));
  });

  it("passes a result without credentials untouched and counts nothing", async () => {
    const result = await client.callTool({ name: "get_me", arguments: {} });
    expect(result.content).toEqual([{ type: "text", text: "called get_me" }]);
    await expect(gw.audit.next((e) => e.tool === "get_me")).resolves.toMatchObject({ redactions: 0 });
  });
});

describe("redact_args", () => {
  it("records a call's arguments with the marked paths as hashes, never their values", async () => {
    const args = {
      owner: "acme",
      content: SECRET_CONTENT,
      files: [
        { path: "a.md", content: SECRET_CONTENT },
        { path: "b.md", content: "other" },
      ],
    };
    await client.callTool({ name: "push_files", arguments: args });
    const event = await gw.audit.next((e) => e.tool === "push_files");
    expect(event.arguments).toEqual({
      owner: "acme",
      content: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
      files: [
        { path: "a.md", content: event.arguments!.content },
        { path: "b.md", content: expect.stringMatching(/^sha256:[0-9a-f]{16}$/) },
      ],
    });
    // Keyed by the master key: what any gateway of the installation records, and not the plain SHA-256 a reader could recompute.
    expect(event.arguments!.content).toBe(new ArgumentHasher(MASTER_KEY).hash(SECRET_CONTENT));
    expect(event.arguments!.content).not.toBe(`sha256:${createHash("sha256").update(JSON.stringify(SECRET_CONTENT)).digest("hex").slice(0, 16)}`);
    expect(JSON.stringify(event)).not.toContain(SECRET_CONTENT);
    expect(JSON.stringify(gw.logs)).not.toContain(SECRET_CONTENT);
    // The upstream still gets the arguments as sent.
    expect(upstream.requests.some((r) => r.body.includes(SECRET_CONTENT))).toBe(true);
  });
});
