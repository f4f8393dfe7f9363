// The SSE relay in the gateway, against a scripted upstream: a 16 MB event
// streams through in time linear in its size while other callers are served;
// an inspected stream that breaks the relay's rules (an event over the cap, a
// filter that throws on 20,000 nested arrays) fails that one stream closed,
// with an error event, the upstream aborted and the audit event saying why.
import type http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRecordingUpstream, type RecordedRequest, type RecordingUpstream } from "./support/recording-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

const MAX_EVENT = 64 * 1024;
const DEV = { apikey: "dev-api-key", authorization: "Bearer gho_dev-token" };

let upstream: RecordingUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  gw = await startTestGateway({
    version: 1,
    gateway: { max_sse_event_bytes: MAX_EVENT },
    consumer_groups: [{ name: "developer" }],
    consumers: [{ username: "dev-user", groups: ["developer"], keys: [{ key: "dev-api-key" }] }],
    servers: [{ name: "up", path: "/up", upstream: upstream.url, auth: { mode: "passthrough" }, acl: { tools: [{ name: "push_files", deny: ["developer"] }] } }],
  });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

function post(body: unknown) {
  return fetch(`${gw.url}/up`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...DEV },
    body: JSON.stringify(body),
  });
}

const call = (id: number, name: string) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: {} } });

/** Answers small calls with JSON at once; a call to `big` with one SSE event of `size` bytes of text. */
function answering(size: number) {
  return (req: RecordedRequest, res: http.ServerResponse) => {
    const message = JSON.parse(req.body);
    if (message.params?.name !== "big") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ jsonrpc: "2.0", id: message.id, result: { content: [] } }));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    const event = Buffer.from(`event: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", id: message.id, result: { content: [{ type: "text", text: "z".repeat(size) }] } })}\n\n`);
    // Written as a streaming upstream would, in pieces: the gateway gets many small chunks of one event.
    let at = 0;
    const next = () => {
      if (at >= event.length) return void res.end();
      res.write(event.subarray(at, (at += 16 * 1024)));
      setImmediate(next);
    };
    next();
  };
}

const errorEvent = (message: string) => `event: message\ndata: {"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"${message}","data":{"reason":"upstream_invalid"}}}\n\n`;

describe("the SSE relay in the gateway", () => {
  it("relays a 16 MB event in linear time while a concurrent small call is answered quickly", async () => {
    const size = 16 * 1000 * 1000;
    upstream.respond(answering(size));
    const started = performance.now();
    const big = await post(call(1, "big"));
    const reader = big.body!.getReader();
    let received = (await reader.read()).value!.length;
    // The big event is now in flight through the gateway.
    const smallStarted = performance.now();
    const small = await post(call(2, "small"));
    expect(await small.json()).toMatchObject({ id: 2, result: { content: [] } });
    const smallMs = performance.now() - smallStarted;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) received += chunk.value.length;
    const bigMs = performance.now() - started;
    expect(received).toBeGreaterThan(size);
    // The relay that rescanned its pending text took 11.8 s for this, and stalled other callers for
    // seconds (14 s here); a linear one takes a fraction of a second (the bound leaves room for a loaded machine).
    // Generous: the quadratic relay took 11.8 s alone; tests share two cores with other processes.
    expect(bigMs).toBeLessThan(8000);
    expect(smallMs).toBeLessThan(1000);
  });

  it("fails an inspected stream closed at an event over max_sse_event_bytes, aborts the upstream, and keeps other streams going", async () => {
    let sendOnGet: (event: string) => void = () => {};
    upstream.respond((req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      if (req.method === "GET") {
        res.flushHeaders();
        sendOnGet = (event) => res.write(event);
        return;
      }
      res.write(`data: ${JSON.stringify({ jsonrpc: "2.0", method: "notifications/progress", params: {} })}\n\n`);
      // More than the cap, in pieces, and the upstream would go on.
      const piece = `data: ${"x".repeat(16 * 1024)}\n`;
      for (let i = 0; i < 8; i++) res.write(piece);
    });
    const other = await fetch(`${gw.url}/up`, { headers: { ...DEV, accept: "text/event-stream" } });
    const otherReader = other.body!.getReader();
    const getRequest = upstream.requests.at(-1)!;

    const failing = await post({ jsonrpc: "2.0", id: 5, method: "tools/list" });
    const postRequest = upstream.requests.at(-1)!;
    expect(postRequest.method).toBe("POST");
    const text = await failing.text();
    expect(text).toBe(`data: {"jsonrpc":"2.0","method":"notifications/progress","params":{}}\n\n${errorEvent(`The upstream sent an event larger than ${MAX_EVENT} bytes`)}`);
    await postRequest.closed;
    const audit = await gw.audit.next((e) => e.method === "tools/list" && e.decision === "error");
    expect(audit).toMatchObject({ decision: "error", reason: "upstream_invalid", jsonrpc_error: -32603, status: 200 });
    expect(gw.logs.some((l) => l.level === "warn" && l.fields.reason === "upstream_invalid" && l.fields.detail === `SSE event over ${MAX_EVENT} bytes`)).toBe(true);

    // The stream opened before is untouched: it still relays (and filters) what its upstream sends.
    sendOnGet(`data: ${JSON.stringify({ jsonrpc: "2.0", id: 9, result: { tools: [{ name: "push_files" }, { name: "get_me" }] } })}\n\n`);
    let seen = "";
    while (!seen.includes("get_me")) seen += new TextDecoder().decode((await otherReader.read()).value);
    expect(seen).not.toContain("push_files");
    await otherReader.cancel();
    await getRequest.closed;
  });

  it("survives a tools/list result wrapped in 20,000 nested arrays: no denied tool, no crash, the next call served", async () => {
    const nested = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    upstream.respond((req, res) => {
      const { id } = JSON.parse(req.body);
      if (id === 7) return answering(0)(req, res);
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(`data: {"jsonrpc":"2.0","id":${id},"result":{"tools":[{"name":"push_files"},{"name":"get_me","x":${nested}}]}}\n\n`);
    });
    const before = gw.audit.events.length;
    const response = await post({ jsonrpc: "2.0", id: 6, method: "tools/list" });
    const text = await response.text();
    expect(text).not.toContain("push_files");
    expect(text).toMatch(/^event: message\ndata: [^\n]+\n\n$/);
    expect(JSON.parse(text.split("\n")[1]!.slice("data: ".length))).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32603, data: { reason: "upstream_invalid" } } });
    expect(await gw.audit.next((e) => gw.audit.events.indexOf(e) >= before && e.method === "tools/list")).toMatchObject({ decision: "error", reason: "upstream_invalid" });
    expect(await (await post(call(7, "small"))).json()).toMatchObject({ id: 7, result: { content: [] } });
  });
});
