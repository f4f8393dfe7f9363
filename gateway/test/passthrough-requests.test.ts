// A passthrough route in front of a recording upstream: what the gateway
// refuses, what exactly reaches the upstream, and what comes back.
import http from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateApiKey, hasValidChecksum, hashApiKey } from "../../lib/core/keys/api-key";
import { findFreePort } from "../../lib/net/ports";
import { FAKE_TOOLS, fakeMcpServer } from "./support/fake-mcp-server";
import { jsonResponse, startRecordingUpstream, type RecordedRequest, type RecordingUpstream } from "./support/recording-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

const TOOLS = FAKE_TOOLS;

let upstream: RecordingUpstream;
let gw: TestGateway;

function configFor(upstreamUrl: string, server: Record<string, unknown> = {}, gateway: Record<string, unknown> = {}) {
  return {
    version: 1,
    gateway: { max_body_bytes: 2048, sse_keepalive_ms: 150, ...gateway },
    consumer_groups: [{ name: "admin" }, { name: "developer" }],
    consumers: [
      { username: "admin-user", groups: ["admin"], keys: [{ key: "admin-api-key" }] },
      { username: "dev-user", groups: ["developer"], keys: [{ hash: hashApiKey("dev-api-key-1") }, { key: "dev-old-key-1", expires_at: "2020-01-01T00:00:00Z" }] },
    ],
    servers: [
      {
        name: "github",
        path: "/github-mcp",
        upstream: upstreamUrl,
        auth: { mode: "passthrough" },
        cors: { origins: ["https://app.example.test"] },
        upstream_headers: { "X-MCP-Toolsets": "repos,issues" },
        acl: {
          default: { deny: ["developer"] },
          tools: [{ name: "search_repositories", allow: ["admin", "developer"] }, { name: "push_files", allow: ["admin"] }, { name: "get_me" }],
        },
        ...server,
      },
    ],
  };
}

beforeAll(async () => {
  upstream = await startRecordingUpstream(fakeMcpServer);
  gw = await startTestGateway(configFor(upstream.url));
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});
beforeEach(() => upstream.respond(fakeMcpServer));

const DEV = { apikey: "dev-api-key-1", authorization: "Bearer gho_upstream-token-123" };
const ADMIN = { apikey: "admin-api-key", authorization: "Bearer gho_admin-token-456" };

function post(body: unknown, headers: Record<string, string> = DEV, path = "/github-mcp") {
  return fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const call = (name: unknown, id: unknown = 1) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: { secret_argument: "s3cr3t-arg" } } });

/** Sends and returns what the upstream received, or undefined when the gateway kept it. */
async function reached(send: () => Promise<Response>): Promise<{ response: Response; upstream?: RecordedRequest }> {
  const before = upstream.requests.length;
  const response = await send();
  await response.clone().arrayBuffer();
  return { response, upstream: upstream.requests.length > before ? upstream.requests.at(-1) : undefined };
}

describe("identity: API key on passthrough routes", () => {
  it.each([
    ["no key", { authorization: DEV.authorization }, "key_missing", /'apikey' header/],
    ["an unknown key", { ...DEV, apikey: "not-a-key" }, "key_unknown", /not valid/],
    ["an expired key", { ...DEV, apikey: "dev-old-key-1" }, "key_unknown", /not valid/],
  ])("refuses %s with 403 and a JSON-RPC error, never 401", async (_what, headers, reason, message) => {
    const { response, upstream: seen } = await reached(() => post(call("search_repositories"), headers));
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toBeNull();
    expect(await response.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32001, message: expect.stringMatching(message), data: { reason } } });
    expect(seen).toBeUndefined();
  });

  it("forwards Authorization unchanged, removes the key, and adds the route's headers", async () => {
    const { response, upstream: seen } = await reached(() => post(call("search_repositories"), { ...DEV, cookie: "console-session=abc" }));
    expect(response.status).toBe(200);
    expect(seen!.headers.authorization).toBe(DEV.authorization);
    expect(seen!.headers.apikey).toBeUndefined();
    expect(seen!.headers.cookie).toBeUndefined();
    expect(seen!.headers["x-mcp-toolsets"]).toBe("repos,issues");
    expect(seen!.headers["accept-encoding"]).toBe("identity");
  });

  it("reads the key from a custom key_header", async () => {
    const custom = await startTestGateway(configFor(upstream.url, { auth: { mode: "passthrough", key_header: "X-Portcullis-Key" } }));
    try {
      const ok = await fetch(`${custom.url}/github-mcp`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: DEV.authorization, "x-portcullis-key": DEV.apikey },
        body: JSON.stringify(call("search_repositories")),
      });
      expect(ok.status).toBe(200);
      expect(upstream.requests.at(-1)!.headers["x-portcullis-key"]).toBeUndefined();
      const missing = await fetch(`${custom.url}/github-mcp`, { method: "POST", headers: { "content-type": "application/json", ...DEV }, body: "{}" });
      expect(await missing.json()).toMatchObject({ error: { message: expect.stringContaining("'x-portcullis-key' header") } });
    } finally {
      await custom.close();
    }
  });
});

describe("identity: the pcs_ key checksum", () => {
  /** A key with one character changed: same shape, checksum no longer matches. */
  function mistype(key: string): string {
    const i = 10;
    return key.slice(0, i) + (key[i] === "a" ? "b" : "a") + key.slice(i + 1);
  }

  it("accepts an issued key and refuses it with one character changed before any lookup; hand-written keys still work", async () => {
    const issued = generateApiKey();
    const mistyped = mistype(issued);
    expect(hasValidChecksum(mistyped)).toBe(false);
    // The mistyped key is itself in the configuration: only a check made before the lookup refuses it.
    const config = configFor(upstream.url);
    config.consumers.push({ username: "typo-user", groups: ["admin"], keys: [{ hash: hashApiKey(issued) }, { key: mistyped }] } as (typeof config.consumers)[number]);
    const checked = await startTestGateway(config);
    try {
      const send = (apikey: string) =>
        fetch(`${checked.url}/github-mcp`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: DEV.authorization, apikey },
          body: JSON.stringify(call("search_repositories")),
        });
      expect((await send(issued)).status).toBe(200);
      const refused = await send(mistyped);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: { code: -32001, message: expect.stringMatching(/mistyped/), data: { reason: "key_malformed" } } });
      expect((await send("admin-api-key")).status).toBe(200);
    } finally {
      await checked.close();
    }
  });
});

describe("tool ACL and no bypass: the decision is taken on exactly what is forwarded", () => {
  it("answers a denied call itself with HTTP 200 and the exact JSON-RPC error", async () => {
    const { response, upstream: seen } = await reached(() => post(call("push_files", 42)));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      jsonrpc: "2.0",
      id: 42,
      error: { code: -32602, message: "Tool 'push_files' is not available for consumer group 'developer'", data: { reason: "tool_denied" } },
    });
    expect(seen).toBeUndefined();
  });

  it.each([
    ["a tool listed for the caller", call("search_repositories"), true],
    ["a tool with an empty rule", call("get_me"), true],
    ["a tool under the default rule", call("create_issue"), false],
    ["a duplicate key hiding the real name", '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_repositories","name":"push_files"}}', false],
    ["an escaped name", '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"\\u0070ush_files"}}', false],
    ["another case", call("PUSH_FILES"), false],
  ])("%s", async (_what, body, allowed) => {
    const { response, upstream: seen } = await reached(() => post(body));
    const answer = await response.json();
    if (allowed) {
      expect(answer.result).toBeDefined();
      expect(seen).toBeDefined();
    } else {
      expect(answer.error).toMatchObject({ code: -32602, message: expect.stringContaining("is not available for consumer group 'developer'") });
      expect(seen).toBeUndefined();
    }
  });

  it("forwards the re-serialised message: duplicates gone, escapes decoded", async () => {
    const { upstream: seen } = await reached(() => post('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"push_files","name":"\\u0073earch_repositories"}}'));
    expect(seen!.body).toBe('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_repositories"}}');
  });

  it.each([
    ["a name with a trailing space", call("push_files "), 200, -32602],
    ["a name with NUL", call("push_files\u0000"), 200, -32602],
    ["a full-width name", call("ｐｕｓｈ_ｆｉｌｅｓ"), 200, -32602],
    ["a non-string name", call(["push_files"]), 200, -32602],
    ["a method in another case", { jsonrpc: "2.0", id: 1, method: "Tools/Call", params: { name: "push_files" } }, 400, -32600],
    ["malformed JSON", '{"jsonrpc":"2.0",', 400, -32700],
  ])("refuses %s before the upstream", async (_what, body, status, code) => {
    const { response, upstream: seen } = await reached(() => post(body, ADMIN));
    expect(response.status).toBe(status);
    expect((await response.json()).error.code).toBe(code);
    expect(seen).toBeUndefined();
  });

  it("refuses batches for 2025-06-18 and later, and checks each element for 2025-03-26", async () => {
    const batch = [call("search_repositories", 1), { jsonrpc: "2.0", id: 2, method: "tools/list" }];
    const modern = await reached(() => post(batch, { ...DEV, "mcp-protocol-version": "2025-06-18" }));
    expect(modern.response.status).toBe(400);
    expect((await modern.response.json()).error.code).toBe(-32600);
    expect(modern.upstream).toBeUndefined();

    const legacy = await reached(() => post(batch, { ...DEV, "mcp-protocol-version": "2025-03-26" }));
    const answers = await legacy.response.json();
    expect(JSON.parse(legacy.upstream!.body)).toHaveLength(2);
    // The tools/list answer inside the batch is filtered too.
    expect(answers[1].result.tools.map((t: { name: string }) => t.name)).toEqual(["search_repositories"]);

    // No header: 2025-03-26 is assumed; one denied element refuses the whole batch.
    const mixed = await reached(() => post([call("search_repositories", 1), call("push_files", 2)]));
    expect(await mixed.response.json()).toMatchObject({ id: null, error: { code: -32602, message: expect.stringContaining("push_files") } });
    expect(mixed.upstream).toBeUndefined();
  });

  it("refuses bodies over the limit with 413, whether announced or streamed", async () => {
    const big = JSON.stringify({ ...call("search_repositories"), params: { name: "search_repositories", arguments: { q: "x".repeat(4096) } } });
    const announced = await reached(() => post(big));
    expect(announced.response.status).toBe(413);
    expect(announced.upstream).toBeUndefined();
    const streamed = await reached(() =>
      fetch(`${gw.url}/github-mcp`, {
        method: "POST",
        headers: { "content-type": "application/json", ...DEV },
        body: new ReadableStream({
          start(controller) {
            for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode(big.slice(i * 1100, (i + 1) * 1100)));
            controller.close();
          },
        }),
        duplex: "half",
      } as RequestInit),
    );
    expect(streamed.response.status).toBe(413);
    expect(streamed.upstream).toBeUndefined();
  });

  it.each([["text/plain"], ["application/x-www-form-urlencoded"], [undefined]])("refuses content type %s with 415", async (type) => {
    const headers: Record<string, string> = { ...DEV };
    if (type) headers["content-type"] = type;
    const response = await fetch(`${gw.url}/github-mcp`, { method: "POST", headers, body: JSON.stringify(call("search_repositories")) });
    expect(response.status).toBe(415);
    expect((await response.json()).error.data.reason).toBe("unsupported_media_type");
  });

  it("passes client notifications and responses to server requests (202)", async () => {
    for (const body of [
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: "srv-1", result: { action: "accept" } },
    ]) {
      const { response, upstream: seen } = await reached(() => post(body));
      expect(response.status).toBe(202);
      expect(JSON.parse(seen!.body)).toEqual(body);
    }
  });

  it("checks Mcp-Method / Mcp-Name against the body (400, -32020)", async () => {
    const headers = { ...ADMIN, "mcp-protocol-version": "2026-07-28" };
    const mismatch = await reached(() => post(call("search_repositories", 5), { ...headers, "mcp-method": "tools/call", "mcp-name": "get_me" }));
    expect(mismatch.response.status).toBe(400);
    expect(await mismatch.response.json()).toMatchObject({ id: 5, error: { code: -32020 } });
    expect(mismatch.upstream).toBeUndefined();
    const agree = await reached(() => post(call("search_repositories", 6), { ...headers, "mcp-method": "tools/call", "mcp-name": "search_repositories" }));
    expect(agree.response.status).toBe(200);
    expect(agree.upstream!.headers["mcp-name"]).toBe("search_repositories");
  });
});

describe("tools/list filtering", () => {
  it("filters JSON pages and keeps nextCursor, even on a page left empty", async () => {
    const first = await (await post({ jsonrpc: "2.0", id: 1, method: "tools/list" })).json();
    expect(first.result).toEqual({ tools: [TOOLS[0]], nextCursor: "p2" });
    const second = await (await post({ jsonrpc: "2.0", id: 2, method: "tools/list", params: { cursor: "p2" } })).json();
    expect(second.result.tools.map((t: { name: string }) => t.name)).toEqual(["get_me"]);
    const admin = await (await post({ jsonrpc: "2.0", id: 3, method: "tools/list" }, ADMIN)).json();
    expect(admin.result.tools).toHaveLength(2);
  });

  it("refuses a JSON tools/list answer too large to judge with 502, whole or streamed", async () => {
    const huge = JSON.stringify({ jsonrpc: "2.0", id: 1, result: { tools: [{ name: "get_me", description: "d".repeat(17 * 1024 * 1024) }] } });
    for (const withLength of [true, false]) {
      upstream.respond((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", ...(withLength ? { "content-length": String(huge.length) } : {}) });
        res.end(huge);
      });
      const response = await post({ jsonrpc: "2.0", id: 1, method: "tools/list" });
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ error: { data: { reason: "upstream_bad_response" } } });
    }
  });

  it("filters a POST's SSE response split across chunks, keeping event ids and retry lines", async () => {
    upstream.respond((req, res) => {
      const id = JSON.parse(req.body).id;
      const data = JSON.stringify({ jsonrpc: "2.0", id, result: { tools: TOOLS, nextCursor: "p9" } });
      const stream = `id: e1\nretry: 1000\ndata: \n\nid: e2\nevent: message\ndata: ${data}\n\n`;
      res.writeHead(200, { "content-type": "text/event-stream" });
      // Cut inside the data line and inside the terminator.
      res.write(stream.slice(0, 40));
      res.write(stream.slice(40, 90));
      setImmediate(() => res.end(stream.slice(90)));
    });
    const text = await (await post({ jsonrpc: "2.0", id: 8, method: "tools/list" })).text();
    expect(text).toContain("id: e1\nretry: 1000\ndata: \n\n");
    expect(text).toContain(`id: e2\nevent: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", id: 8, result: { tools: [TOOLS[0], TOOLS[3]], nextCursor: "p9" } })}\n\n`);
  });

  it("filters a tools/list result arriving on a GET stream", async () => {
    upstream.respond((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(`id: 7\ndata: ${JSON.stringify({ jsonrpc: "2.0", id: 3, result: { tools: TOOLS } })}\n\n`);
    });
    const text = await (await fetch(`${gw.url}/github-mcp`, { headers: { ...DEV, accept: "text/event-stream" } })).text();
    expect(JSON.parse(text.split("data: ")[1]!).result.tools.map((t: { name: string }) => t.name)).toEqual(["search_repositories", "get_me"]);
  });

  it("refuses an encoded tools/list body it cannot filter (502)", async () => {
    upstream.respond((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(gzipSync(JSON.stringify({ jsonrpc: "2.0", id: 1, result: { tools: TOOLS } })));
    });
    const response = await post({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    expect(response.status).toBe(502);
    expect((await response.json()).error.data.reason).toBe("upstream_invalid");
  });
});

/** node:http, for what fetch will not send or show (Connection, hop-by-hop headers). */
function rawRequest(path: string, headers: Record<string, string>, body = ""): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${gw.url}${path}`, { method: "POST", headers }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("transport fidelity", () => {
  it("strips hop-by-hop headers both ways and forwards the MCP headers", async () => {
    upstream.respond((_req, res) => {
      res.writeHead(200, {
        "content-type": "application/json",
        connection: "x-upstream-hop",
        "x-upstream-hop": "1",
        "proxy-authenticate": "Basic",
        "set-cookie": "a=b",
        "x-kept": "yes",
      });
      res.end('{"jsonrpc":"2.0","id":1,"result":{}}');
    });
    const sid = "not-checked-here";
    const response = await rawRequest(
      "/github-mcp",
      {
        ...DEV,
        "content-type": "application/json",
        connection: "keep-alive, x-client-hop",
        "x-client-hop": "secret",
        "keep-alive": "timeout=5",
        "proxy-authorization": "Basic abc",
        te: "trailers",
        "mcp-protocol-version": "2025-06-18",
        "last-event-id": "ev-1",
      },
      JSON.stringify(call("search_repositories")),
    );
    void sid;
    expect(response.status).toBe(200);
    const seen = upstream.requests.at(-1)!.headers;
    expect(seen["x-client-hop"]).toBeUndefined();
    expect(seen["keep-alive"]).toBeUndefined();
    expect(seen["proxy-authorization"]).toBeUndefined();
    expect(seen.te).toBeUndefined();
    expect(seen["mcp-protocol-version"]).toBe("2025-06-18");
    expect(seen["last-event-id"]).toBe("ev-1");
    expect(response.headers["x-upstream-hop"]).toBeUndefined();
    expect(response.headers["proxy-authenticate"]).toBeUndefined();
    expect(response.headers["set-cookie"]).toBeUndefined();
    expect(response.headers["x-kept"]).toBe("yes");
  });

  it("forwards GET and DELETE with the upstream's session id", async () => {
    upstream.respond((req, res) => {
      if (req.method === "POST") return jsonResponse(res, { jsonrpc: "2.0", id: 1, result: {} }, { "mcp-session-id": "upstream-session-1" });
      res.writeHead(req.method === "DELETE" ? 200 : 405);
      res.end();
    });
    const init = await post({ jsonrpc: "2.0", id: 1, method: "initialize", params: {} });
    const bound = init.headers.get("mcp-session-id")!;
    expect(bound).toMatch(/^upstream-session-1\.[A-Za-z0-9_-]{22}$/);
    for (const method of ["GET", "DELETE"]) {
      const { response, upstream: seen } = await reached(() => fetch(`${gw.url}/github-mcp`, { method, headers: { ...DEV, "mcp-session-id": bound, "last-event-id": "ev-3" } }));
      expect(response.status).toBe(method === "DELETE" ? 200 : 405);
      expect(seen).toMatchObject({ method, headers: expect.objectContaining({ "mcp-session-id": "upstream-session-1", "last-event-id": "ev-3" }) });
    }
  });

  it("answers 502 with the request id when the upstream cannot be reached", async () => {
    const closed = await startTestGateway(configFor(`http://127.0.0.1:${await findFreePort()}/mcp`));
    try {
      const response = await fetch(`${closed.url}/github-mcp`, {
        method: "POST",
        headers: { "content-type": "application/json", ...DEV },
        body: JSON.stringify(call("search_repositories", "r-9")),
      });
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ id: "r-9", error: { code: -32603, message: "Server 'github' is unreachable", data: { reason: "upstream_unreachable" } } });
    } finally {
      await closed.close();
    }
  });

  it("answers 504 with the request id when the upstream is slower than the route's timeout", async () => {
    const slow = await startTestGateway(configFor(upstream.url, { timeout_ms: 200 }));
    upstream.respond(() => {});
    try {
      const response = await fetch(`${slow.url}/github-mcp`, {
        method: "POST",
        headers: { "content-type": "application/json", ...DEV },
        body: JSON.stringify(call("search_repositories", 31)),
      });
      expect(response.status).toBe(504);
      expect(await response.json()).toMatchObject({ id: 31, error: { code: -32603, data: { reason: "upstream_timeout" } } });
    } finally {
      await slow.close();
    }
  });

  it("streams SSE as it comes, keeps idle streams alive with comments, and aborts the upstream when the client leaves", async () => {
    let finish: () => void = () => {};
    upstream.respond((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('id: 1\ndata: {"jsonrpc":"2.0","method":"notifications/message","params":{}}\n\n');
      finish = () => res.end();
    });
    const controller = new AbortController();
    const response = await fetch(`${gw.url}/github-mcp`, { headers: { ...DEV, accept: "text/event-stream" }, signal: controller.signal });
    const seen = upstream.requests.at(-1)!;
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    // The first event arrives while the upstream still holds the stream open; then, idle, a keep-alive comment.
    while (!text.includes(": keep-alive\n\n")) text += decoder.decode((await reader.read()).value, { stream: true });
    expect(text.startsWith('id: 1\ndata: {"jsonrpc"')).toBe(true);
    controller.abort();
    await seen.closed;
    finish();
  });

  it("applies backpressure: a client that does not read stalls the upstream instead of filling the gateway", async () => {
    const chunk = `data: ${JSON.stringify({ jsonrpc: "2.0", method: "notifications/message", params: { data: "z".repeat(64 * 1024) } })}\n\n`;
    const total = 128 * 1024 * 1024;
    let written = 0;
    let finished: () => void = () => {};
    const allWritten = new Promise<void>((resolve) => (finished = resolve));
    upstream.respond((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const pump = () => {
        while (written < total) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        finished();
      };
      pump();
    });
    const controller = new AbortController();
    const response = await fetch(`${gw.url}/github-mcp`, { headers: { ...DEV, accept: "text/event-stream" }, signal: controller.signal });
    expect(response.status).toBe(200);
    // The client reads nothing. Without backpressure the gateway would take all 128 MiB at once;
    // with it, the upstream stalls once kernel buffers and stream high-water marks (a few MiB) are full.
    await Promise.race([allWritten, new Promise((resolve) => setTimeout(resolve, 1500))]);
    expect(written).toBeLessThan(32 * 1024 * 1024);
    controller.abort();
  });

  it("keeps an idle stream alive past a client's body timeout", async () => {
    let later: () => void = () => {};
    upstream.respond((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.flushHeaders();
      later = () => res.end('data: {"jsonrpc":"2.0","method":"notifications/message","params":{}}\n\n');
    });
    // undici (fetch's engine, and the SDK's) cuts a body that is silent for bodyTimeout.
    const { Agent, request } = await import("undici");
    const dispatcher = new Agent({ bodyTimeout: 1000 });
    const response = await request(`${gw.url}/github-mcp`, { dispatcher, headers: { ...DEV, accept: "text/event-stream" } });
    let text = "";
    const done = new Promise<void>((resolve, reject) => {
      response.body.on("data", (c: Buffer) => {
        text += c.toString();
        // Nine keep-alives (150 ms apart) span more than the 1 s body timeout.
        if (text.split(": keep-alive").length > 9) later();
      });
      response.body.on("end", resolve);
      response.body.on("error", reject);
    });
    await done;
    expect(text).toContain("notifications/message");
    await dispatcher.close();
  });

  it("answers 502, never a truncated 200, when a JSON answer ends before its Content-Length", async () => {
    upstream.respond((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"jsonrpc":"2.0","id":1,');
      setImmediate(() => res.socket!.destroy());
    });
    const response = await post(call("get_me"));
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ id: 1, error: { data: { reason: "upstream_bad_response" } } });
  });

  it("closes the client's stream when the upstream closes early", async () => {
    upstream.respond((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('data: {"jsonrpc":"2.0","method":"notifications/message","params":{}}\n\n');
      setImmediate(() => res.socket!.destroy());
    });
    const response = await fetch(`${gw.url}/github-mcp`, { headers: { ...DEV, accept: "text/event-stream" } });
    const outcome = await response.text().then(
      () => "ended",
      () => "aborted",
    );
    expect(["ended", "aborted"]).toContain(outcome);
  });
});

describe("configuration reloads", () => {
  it("let a request in flight finish on the config it started with, while new requests get the new one", async () => {
    const reloading = await startTestGateway(configFor(upstream.url));
    let send: (event: string) => void = () => {};
    let end: () => void = () => {};
    upstream.respond((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.flushHeaders();
      send = (event) => res.write(event);
      end = () => res.end();
    });
    try {
      const response = await fetch(`${reloading.url}/github-mcp`, { headers: { ...DEV, accept: "text/event-stream" } });
      const reader = response.body!.getReader();
      const withoutDev = configFor(upstream.url);
      withoutDev.consumers = withoutDev.consumers.filter((c) => c.username !== "dev-user");
      expect(reloading.gateway.applyConfig(withoutDev, "reload")).toMatchObject({ ok: true, version: 2 });
      const refused = await fetch(`${reloading.url}/github-mcp`, { headers: { ...DEV, accept: "text/event-stream" } });
      expect(refused.status).toBe(403);

      send('data: {"jsonrpc":"2.0","id":3,"result":{"tools":[{"name":"push_files"},{"name":"get_me"}]}}\n\n');
      end();
      let text = "";
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);
      // Still filtered with the ACL of the config the stream started under.
      expect(text).toContain('"tools":[{"name":"get_me"}]');
    } finally {
      await reloading.close();
    }
  });
});

describe("CORS", () => {
  const origin = "https://app.example.test";

  it("answers a preflight from an allowed origin with the MCP headers", async () => {
    const response = await fetch(`${gw.url}/github-mcp`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "apikey, mcp-session-id" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(origin);
    const allowed = response.headers.get("access-control-allow-headers")!.split(", ");
    expect(allowed).toEqual(expect.arrayContaining(["authorization", "apikey", "content-type", "mcp-session-id", "mcp-protocol-version", "last-event-id"]));
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
  });

  it("exposes the session id and challenges to an allowed origin, on errors too", async () => {
    const ok = await post(call("search_repositories"), { ...DEV, origin });
    expect(ok.headers.get("access-control-allow-origin")).toBe(origin);
    expect(ok.headers.get("access-control-expose-headers")).toBe("mcp-session-id, www-authenticate");
    const unauthenticated = await post(call("search_repositories"), { apikey: DEV.apikey, origin });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get("access-control-allow-origin")).toBe(origin);
  });

  it("refuses other origins with 403, preflight and request alike", async () => {
    const preflight = await fetch(`${gw.url}/github-mcp`, { method: "OPTIONS", headers: { origin: "https://evil.example.test", "access-control-request-method": "POST" } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const { response, upstream: seen } = await reached(() => post(call("search_repositories"), { ...DEV, origin: "https://evil.example.test" }));
    expect(response.status).toBe(403);
    expect(seen).toBeUndefined();
  });
});

describe("audit and metrics", () => {
  it("writes one event per request, with identity and outcome, never the token, key or arguments", async () => {
    const before = gw.audit.events.length;
    await (await post(call("search_repositories", "audit-1"))).json();
    await (await post(call("push_files", "audit-2"))).json();
    await (await post(call("search_repositories"), { authorization: DEV.authorization })).json();
    await (await fetch(`${gw.url}/nowhere`)).json();
    const allowed = await gw.audit.next(
      (e) => e.tool === "search_repositories" && e.decision === "allow" && e.bytes_in > 0 && e.time > new Date(Date.now() - 60_000).toISOString(),
    );
    expect(allowed).toMatchObject({
      server: "github",
      consumer: "dev-user",
      groups: ["developer"],
      method: "tools/call",
      status: 200,
      jsonrpc_error: null,
      reason: null,
      token_hash: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
    });
    expect(allowed.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(allowed.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(allowed.id).not.toBe(allowed.request_id);
    expect(allowed.upstream_latency_ms).toBeGreaterThan(0);
    expect(allowed.total_latency_ms).toBeGreaterThanOrEqual(allowed.upstream_latency_ms!);
    expect(allowed.bytes_out).toBeGreaterThan(0);
    const events = gw.audit.events.slice(before);
    await gw.audit.next((e) => e.path === "/nowhere");
    expect(gw.audit.events.length - before).toBe(4);
    expect(new Set(gw.audit.events.map((e) => e.id)).size).toBe(gw.audit.events.length);
    expect(events.map((e) => e.decision)).toEqual(expect.arrayContaining(["allow", "deny", "deny"]));
    const text = JSON.stringify(gw.audit.events) + JSON.stringify(gw.logs);
    for (const secret of ["gho_upstream-token-123", "dev-api-key-1", "admin-api-key", "s3cr3t-arg"]) expect(text).not.toContain(secret);
  });

  it("exposes request, denial and latency series per server and tool", async () => {
    await (await post(call("push_files"))).json();
    const metrics = gw.gateway.metrics();
    expect(metrics).toMatch(/portcullis_requests_total\{server="github",method="tools\/call",tool="search_repositories",decision="allow",status="200"\} \d+/);
    expect(metrics).toMatch(/portcullis_denials_total\{server="github",tool="push_files",reason="tool_denied"\} \d+/);
    expect(metrics).toMatch(/portcullis_request_duration_seconds_count\{server="github",tool="search_repositories"\} \d+/);
    expect(metrics).toMatch(/portcullis_upstream_duration_seconds_count\{server="github"\} \d+/);
  });
});
