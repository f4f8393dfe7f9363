// Issue 12's findings, one test each, against upstreams that decode like a Go
// server (folded keys, last wins) and like a first-wins server. Where the
// issue allows two fixes, a test takes either: the gateway refuses with the
// named JSON-RPC error and forwards nothing, or it forwards bytes every
// emulated decoder reads as the gateway did (and no denied tool runs).
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStatusServer } from "../src/status/status-server";
import { namesVisible } from "./support/client-view";
import { startDecodingUpstream, type DecodingUpstream } from "./support/decoding-upstream";
import { FAKE_TOOLS } from "./support/fake-mcp-server";
import { startGatewayChild } from "./support/gateway-child";
import { ADMIN, ALLOWED, DENIED, DEV, differentialsConfig, errorCodes, expectForwardedUnambiguous, sendThrough, type Outcome } from "./support/differential-harness";
import { disagreements, exactFirstWins, goEncodingJson } from "./support/json-decoders";
import { startRecordingUpstream, type RecordedRequest, type RecordingUpstream } from "./support/recording-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

let go: DecodingUpstream;
let first: DecodingUpstream;
let scripted: RecordingUpstream;
let gw: TestGateway;

beforeAll(async () => {
  [go, first, scripted] = await Promise.all([startDecodingUpstream(goEncodingJson), startDecodingUpstream(exactFirstWins), startRecordingUpstream()]);
  gw = await startTestGateway(
    differentialsConfig([
      { name: "go", path: "/go", upstream: go.url },
      { name: "first", path: "/first", upstream: first.url },
      { name: "scripted", path: "/scripted", upstream: scripted.url },
    ]),
  );
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([go?.close(), first?.close(), scripted?.close()]);
});

const send = (upstream: DecodingUpstream | RecordingUpstream, path: string, body: string, headers: Record<string, string> = DEV) => sendThrough(gw, upstream, path, body, headers);

/** Either fix the issue allows: refused with `code` and nothing forwarded, or forwarded unambiguously. */
function expectRefusedOrUnambiguous(o: Outcome, code: number) {
  expectForwardedUnambiguous(o, true);
  if (o.forwarded.length === 0) expect(errorCodes(o.text)).toContain(code);
}

const S = "search_repositories";
const P = "push_files";
const env = (rest: string, id = '"id":1') => `{"jsonrpc":"2.0",${id},${rest}}`;

describe.each([
  ["a Go upstream", () => go, "/go"],
  ["a first-wins upstream", () => first, "/first"],
] as const)("one meaning for every decoder, against %s (issue 12 item 1)", (_name, upstream, path) => {
  it.each([
    ["Name after name (the issue's example)", env(`"method":"tools/call","params":{"name":"${S}","Name":"${P}","arguments":{}}`), -32602],
    ["NAME after name", env(`"method":"tools/call","params":{"name":"${S}","NAME":"${P}"}`), -32602],
    ["Name spelt with an escape", env(`"method":"tools/call","params":{"name":"${S}","\\u004eame":"${P}"}`), -32602],
    ["Params beside params", env(`"method":"tools/call","params":{"name":"${S}"},"Params":{"name":"${P}"}`), -32600],
    ["paramſ (U+017F) beside params", env(`"method":"tools/call","params":{"name":"${S}"},"param\u017f":{"name":"${P}"}`), -32600],
    ["Method beside method", env(`"method":"ping","Method":"tools/call","params":{"name":"${P}"}`), -32600],
    ["METHOD beside method", env(`"method":"ping","METHOD":"tools/call","params":{"name":"${P}"}`), -32600],
    ["Arguments beside arguments", env(`"method":"tools/call","params":{"name":"${S}","arguments":{"q":"a"},"Arguments":{"q":"b"}}`), -32602],
    ["a duplicate name, the allowed one last", env(`"method":"tools/call","params":{"name":"${P}","name":"${S}"}`), -32602],
  ])("%s: refused, or forwarded so that every decoder reads the gateway's call", async (_what, body, code) => {
    expectRefusedOrUnambiguous(await send(upstream(), path, body), code);
  });

  it("control: an ordinary allowed call is forwarded, read alike by every decoder, and run", async () => {
    const o = await send(upstream(), path, env(`"method":"tools/call","params":{"name":"${S}","arguments":{"q":"x"}}`));
    expect(o.forwarded).toHaveLength(1);
    expectForwardedUnambiguous(o, true);
    expect(o.ran).toEqual([{ method: "tools/call", tool: S, answered: true }]);
  });

  it("a batch element with Name (2025-03-26)", async () => {
    const body = `[${env(`"method":"tools/call","params":{"name":"${S}"}`)},${env(`"method":"tools/call","params":{"name":"${S}","Name":"${P}"}`, '"id":2')}]`;
    expectRefusedOrUnambiguous(await send(upstream(), path, body, { ...DEV, "mcp-protocol-version": "2025-03-26" }), -32602);
  });

  it("ID instead of id: the gateway must not take a tools/call for a notification and forward it", async () => {
    const o = await send(upstream(), path, `{"jsonrpc":"2.0","ID":1,"method":"tools/call","params":{"name":"${P}"}}`);
    expect(o.forwarded.map((f) => f.body)).toEqual([]);
    expect(errorCodes(o.text)).toContain(-32600);
  });

  it("METHOD: tools/list beside another method does not return the unfiltered list", async () => {
    const o = await send(upstream(), path, env(`"method":"ping","METHOD":"tools/list"`));
    expect(namesVisible(o.text, false, DENIED)).toEqual([]);
    if (o.forwarded.length) for (const f of o.forwarded) expect(disagreements(f.raw)).toEqual([]);
    else expect(errorCodes(o.text)).toContain(-32600);
  });
});

describe("guarded methods are requests (issue 12 item 2)", () => {
  it.each([
    ["tools/call", `{"jsonrpc":"2.0","method":"tools/call","params":{"name":"${S}"}}`],
    ["tools/list", '{"jsonrpc":"2.0","method":"tools/list"}'],
  ])("%s without an id is refused (-32600), not forwarded", async (_what, body) => {
    const o = await send(go, "/go", body);
    expect(o.forwarded.map((f) => f.body)).toEqual([]);
    expect(o.status).toBe(400);
    expect(errorCodes(o.text)).toContain(-32600);
  });

  it.each([["tools//call"], ["tools/call/"], ["/tools/call"], ["tools//list"], ["tools/list/"], ["tools/CALL"]])(
    "the near-miss method %j is refused (-32600), not forwarded",
    async (method) => {
      const o = await send(go, "/go", env(`"method":${JSON.stringify(method)},"params":{"name":"${P}"}`));
      expect(o.forwarded.map((f) => f.body)).toEqual([]);
      expect(errorCodes(o.text)).toContain(-32600);
    },
  );
});

const sseAnswer = (stream: string) => (_req: RecordedRequest, res: http.ServerResponse) => {
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.end(stream);
};
const jsonAnswer = (body: string) => (_req: RecordedRequest, res: http.ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(body);
};
const everyTool = (id: unknown) => ({ jsonrpc: "2.0", id, result: { tools: FAKE_TOOLS } });
const listBody = '{"jsonrpc":"2.0","id":1,"method":"tools/list"}';

/** Filtered (an allowed tool still listed) or replaced by an error: both fail closed. */
function expectFilteredOrRefused(o: Outcome, sse: boolean) {
  expect(namesVisible(o.text, sse, DENIED)).toEqual([]);
  const listedAllowed = namesVisible(o.text, sse, ALLOWED).length > 0;
  if (!listedAllowed) {
    expect(o.text).toMatch(/"error"\s*:/);
    if (!sse) expect(o.status).toBe(502);
  }
}

describe("a tools/list filter that fails closed (issue 12 item 3)", () => {
  const list = JSON.stringify(everyTool(1));

  it.each([
    ["JSON", jsonAnswer(list), false],
    ["SSE", sseAnswer(`data: ${list}\n\n`), true],
  ])("control: an ordinary %s tools/list answer is filtered to the allowed tools", async (_what, responder, sse) => {
    scripted.respond(responder);
    const o = await send(scripted, "/scripted", listBody);
    expect(namesVisible(o.text, sse, DENIED)).toEqual([]);
    expect(namesVisible(o.text, sse, ALLOWED).map((s) => s.name)).toContain("search_repositories");
  });

  it.each([
    ["a BOM before a JSON body", jsonAnswer(`\ufeff${list}`), false],
    ['the key written "\\u0074ools" in a JSON body', jsonAnswer(list.replace('"tools"', '"\\u0074ools"')), false],
    ["a BOM before the SSE stream's first data: line", sseAnswer(`\ufeffdata: ${list}\n\n`), true],
    ["a BOM inside an SSE data: line, before the JSON", sseAnswer(`data: \ufeff${list}\n\n`), true],
    ['the key written "\\u0074ools" in an SSE event', sseAnswer(`data: ${list.replace('"tools"', '"\\u0074ools"')}\n\n`), true],
    // Found by the response fuzz on the fixed filter: the relay flushed an unterminated last event as it came.
    ["an unterminated last SSE event", sseAnswer(`data: ${list}`), true],
    ["an empty JSON body", jsonAnswer(""), false],
  ])("%s: filtered or refused, and no denied tool reaches the client", async (_what, responder, sse) => {
    scripted.respond(responder);
    expectFilteredOrRefused(await send(scripted, "/scripted", listBody), sse);
  });
});

describe("no request and no response crashes the gateway (issue 12 item 4)", () => {
  it("arguments nested 30,000 deep get 400 / -32600, not 500", async () => {
    const deep = `${"[".repeat(30_000)}${"]".repeat(30_000)}`;
    const o = await send(go, "/go", env(`"method":"tools/call","params":{"name":"${S}","arguments":{"a":${deep}}}`));
    expect(o.status).toBe(400);
    expect(errorCodes(o.text)).toContain(-32600);
    expect(o.forwarded.map((f) => f.body)).toEqual([]);
  });

  it.each([
    ["a tools/list result in 20,000 nested arrays", `${"[".repeat(20_000)}${JSON.stringify(everyTool(1))}${"]".repeat(20_000)}`],
    // Found by the response fuzz: any event the filter refuses used to throw out of the stream transform.
    ["data that is not JSON", "not json"],
    ["a tools/list result under a loose spelling", JSON.stringify(everyTool(1)).replace('"tools"', '"TOOLS"')],
  ])("an SSE event holding %s fails that stream, not the gateway process", async (_what, data) => {
    const upstream = await startRecordingUpstream(sseAnswer(`data: ${data}\n\n`));
    const child = await startGatewayChild(differentialsConfig([{ name: "scripted", path: "/scripted", upstream: upstream.url }]));
    try {
      const post = (body: string) =>
        fetch(`${child.url}/scripted`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...DEV }, body });
      const answered = await post(listBody)
        .then((r) => r.text())
        .catch(() => "(connection closed)");
      expect(namesVisible(answered, true, DENIED)).toEqual([]);
      upstream.respond(jsonAnswer('{"jsonrpc":"2.0","id":2,"result":{}}'));
      const followUp = await post('{"jsonrpc":"2.0","id":2,"method":"ping"}').catch((error: Error) => error);
      expect(followUp instanceof Response ? followUp.status : `no answer (${followUp.message}); the process said:\n${child.output()}`).toBe(200);
      expect(child.alive()).toBe(true);
    } finally {
      await child.stop();
      await upstream.close();
    }
  });
});

describe("smaller holes (issue 12 item 6)", () => {
  it("the forwarded request carries no Content-Encoding: the body is re-serialised", async () => {
    const o = await send(go, "/go", env(`"method":"tools/call","params":{"name":"${S}"}`), { ...DEV, "content-encoding": "identity" });
    // Refusing an encoded request outright would hold too.
    for (const f of o.forwarded) expect(f.headers["content-encoding"]).toBeUndefined();
    expect(o.forwarded.length > 0 || o.status === 415).toBe(true);
  });

  it("client-IP headers are not forwarded", async () => {
    const o = await send(go, "/go", env('"method":"ping"'), { ...DEV, "x-real-ip": "203.0.113.7", "true-client-ip": "203.0.113.8", "cf-connecting-ip": "203.0.113.9" });
    expect(o.forwarded).toHaveLength(1);
    const headers = o.forwarded[0]!.headers;
    expect([headers["x-real-ip"], headers["true-client-ip"], headers["cf-connecting-ip"]]).toEqual([undefined, undefined, undefined]);
  });

  it("500 random unknown tool names do not become 500 metric label values", async () => {
    const status = createStatusServer({ status: () => ({ ready: true }), metrics: gw.gateway.metrics });
    await new Promise<void>((resolve) => status.listen(0, "127.0.0.1", resolve));
    try {
      for (let i = 0; i < 500; i++) {
        const tool = `t_${randomBytes(6).toString("hex")}`;
        // Half denied (developers fall under the default rule), half allowed and forwarded (admins).
        await send(go, "/go", env(`"method":"tools/call","params":{"name":"${tool}"}`, `"id":${i}`), i % 2 ? DEV : ADMIN);
      }
      const metrics = await (await fetch(`http://127.0.0.1:${(status.address() as AddressInfo).port}/metrics`)).text();
      const tools = new Set([...metrics.matchAll(/tool="([^"]*)"/g)].map((m) => m[1]));
      // The configured tools plus a few buckets (unknown, none), never one per name sent.
      expect(tools.size).toBeLessThanOrEqual(FAKE_TOOLS.length + 4);
    } finally {
      await new Promise((resolve) => status.close(resolve));
    }
  });
});

/** An RFC 7662 endpoint that counts its calls and finds every token inactive. */
async function startCountingIntrospection() {
  let calls = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      calls++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"active":false}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, calls: () => calls, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe("random bearer tokens cannot become an IdP flood (issue 12 item 6)", () => {
  let idp: Awaited<ReturnType<typeof startCountingIntrospection>>;
  let swap: TestGateway;
  beforeAll(async () => {
    idp = await startCountingIntrospection();
    swap = await startTestGateway(
      (url: string) => ({
        version: 1,
        gateway: { public_url: url },
        consumer_groups: [{ name: "developer" }],
        consumers: [{ username: "alice", groups: ["developer"] }],
        servers: [
          {
            name: "swap",
            path: "/swap",
            upstream: go.url,
            auth: {
              mode: "token_swap",
              issuer: idp.origin,
              consumer_claim: "sub",
              introspection: { endpoint: `${idp.origin}/introspect`, client_id: "gateway", client_secret: "{vault://env/IDP_SECRET}" },
            },
            upstream_headers: { Authorization: "Bearer {vault://env/UPSTREAM_TOKEN}" },
          },
        ],
      }),
      { env: { IDP_SECRET: "s3cret", UPSTREAM_TOKEN: "service-token" } },
    );
  });
  afterAll(async () => {
    await swap?.close();
    await idp?.close();
  });

  const post = (token: string) => fetch(`${swap.url}/swap`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: listBody });

  it("a rejected token is remembered: asking again does not call the IdP again", async () => {
    const before = idp.calls();
    for (let i = 0; i < 10; i++) expect((await post("the-same-bad-token")).status).toBe(401);
    expect(idp.calls() - before).toBe(1);
  });

  it("200 random tokens from one address cause a bounded number of introspection calls", async () => {
    const before = idp.calls();
    for (let i = 0; i < 200; i++) {
      const response = await post(`random-${randomBytes(12).toString("hex")}`);
      expect([401, 429, 503]).toContain(response.status);
    }
    // The issue asks for a bound per client address without naming it; a quarter of the tokens is generous.
    expect(idp.calls() - before).toBeLessThanOrEqual(50);
  });
});
