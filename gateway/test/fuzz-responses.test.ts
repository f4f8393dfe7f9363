// Property: whatever a broken or hostile upstream answers to a tools/list (or
// sends on a GET stream) —
// JSON or SSE, BOMs, escaped and respelt keys, fold-duplicate names, invalid
// UTF-8, deep nesting, huge events, cut at any byte — no tool denied to the
// caller reaches the client under any emulated decoder, what is passed as a
// JSON body or SSE event parses, and the gateway process stays up, answers the
// next request and keeps its memory bounded. The gateway runs as its own
// process so an error escaping a stream shows as the crash it would be.
import http from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import fc from "fast-check";
import { sseEventData, namesVisible } from "./support/client-view";
import { DENIED, DEV, differentialsConfig } from "./support/differential-harness";
import { checkWithinBudget, FUZZ_SECONDS, FUZZ_TEST_TIMEOUT_MS } from "./support/fuzz-budget";
import { startGatewayChild, type GatewayChild } from "./support/gateway-child";
import { upstreamResponse, type GeneratedResponse } from "./support/response-arbitraries";
import { jsonResponse, startRecordingUpstream, type RecordingUpstream } from "./support/recording-upstream";

// Unknown names fall under the default rule, which denies developers too.
const DENIED_TO_DEV = [...DENIED, "delete_repository"];
const MEMORY_HEADROOM_BYTES = 384 * 1024 * 1024;

let upstream: RecordingUpstream;
let child: GatewayChild;
let scripted: GeneratedResponse | undefined;

/** Writes the scripted chunks one by one, each after the previous one left. */
function writeChunks(res: http.ServerResponse, chunks: Buffer[], sse: boolean) {
  res.writeHead(200, { "content-type": sse ? "text/event-stream" : "application/json" });
  res.flushHeaders();
  let next = 0;
  const pump = () => {
    if (res.destroyed) return;
    if (next === chunks.length) return void res.end();
    res.write(chunks[next++], () => setImmediate(pump));
  };
  pump();
}

beforeAll(async () => {
  upstream = await startRecordingUpstream((req, res) => {
    if (scripted && (req.method === "GET" || req.body.includes('"tools/list"'))) return writeChunks(res, scripted.chunks, scripted.sse);
    jsonResponse(res, { jsonrpc: "2.0", id: 2, result: {} });
  });
  child = await startGatewayChild(differentialsConfig([{ name: "scripted", path: "/scripted", upstream: upstream.url }]));
});
afterAll(async () => {
  await child?.stop();
  await upstream?.close();
});

/** POSTs (or GETs the stream) with node:http so that bytes received before a reset still count. */
function request(body?: string): Promise<{ status: number; type: string; bytes: Buffer }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let status = 0;
    let type = "";
    const done = () => resolve({ status, type, bytes: Buffer.concat(chunks) });
    const headers = body === undefined ? { accept: "text/event-stream", ...DEV } : { "content-type": "application/json", accept: "application/json, text/event-stream", ...DEV };
    const req = http.request(`${child.url}/scripted`, { method: body === undefined ? "GET" : "POST", headers }, (res) => {
      status = res.statusCode!;
      type = String(res.headers["content-type"] ?? "");
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", done);
      res.on("error", done);
      res.on("aborted", done);
    });
    req.on("error", done);
    req.end(body ?? "");
  });
}

it(
  `lets no denied tool through and stays up, for ${FUZZ_SECONDS} s of generated upstream answers`,
  async () => {
    const rssBefore = child.rssBytes();
    const property = fc.asyncProperty(upstreamResponse, async (response) => {
      scripted = response;
      const answer = await request(response.onGetStream ? undefined : '{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
      expect(answer.status).not.toBe(500);
      const sse = answer.type.startsWith("text/event-stream");
      const seen = namesVisible(answer.bytes, sse, DENIED_TO_DEV);
      if (seen.length) throw new Error(`denied tools listed to the client: ${JSON.stringify(seen)} in ${answer.bytes.subarray(0, 400).toString("utf8")}`);
      // Fail closed: what the gateway passes as a tools/list answer is something it could parse.
      const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(answer.bytes);
      if (answer.status === 200) for (const data of sse ? sseEventData(text) : [text]) expect(() => JSON.parse(data), data.slice(0, 200)).not.toThrow();
      expect(child.alive(), child.output().slice(-2000)).toBe(true);
      expect((await request('{"jsonrpc":"2.0","id":2,"method":"ping"}')).status).toBe(200);
    });
    // Out of process, a crash fails every later run: report the first failure unshrunk.
    await checkWithinBudget(property, 10, { endOnFailure: true });
    expect(child.rssBytes() - rssBefore).toBeLessThan(MEMORY_HEADROOM_BYTES);
  },
  FUZZ_TEST_TIMEOUT_MS,
);
