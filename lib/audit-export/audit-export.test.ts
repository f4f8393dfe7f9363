// Audit export against real listeners: events stored by ingestion (a real
// database) reach an HTTP webhook signed with HMAC, and a syslog receiver over
// TCP and TLS as octet-counted RFC 5424 messages, with their chain hashes; a
// dead sink fills its queue and counts drops while ingestion carries on, and
// delivers what it kept once it is back. The OTLP logs sink against a real
// OTLP/HTTP receiver that decodes protobuf and JSON.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import net from "node:net";
import tls from "node:tls";
import type pg from "pg";
import { generate } from "selfsigned";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import { sampleAuditEvent } from "../../test/support/audit-event";
import { ingestAuditEvents, RollupWriter } from "../analytics/ingest";
import type { AuditEvent } from "../core/audit/event";
import { createPool } from "../db/client";
import { startOtlpReceiver, type OtlpReceiver } from "../../test/support/otlp-receiver";
import { findFreePort } from "../net/ports";
import { AuditExportEngine } from "./export-engine";
import { exportedEvents, type ExportedEvent } from "./exported-event";
import { AUDIT_EVENT_NAME, OTLP_LOGS_SCOPE, otlpLogsDelivery } from "./otlp-logs-sink";
import { syslogDelivery } from "./syslog-sink";
import { webhookDelivery } from "./webhook-sink";

let database: TestDatabase;
let pool: pg.Pool;
let writer: RollupWriter;
const plane = randomUUID();
const engines: AuditExportEngine[] = [];
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  writer = new RollupWriter(pool);
  await pool.query(`INSERT INTO "DataPlane" (id, name, "tokenHash", "tokenPrefix") VALUES ($1, 'east', $2, 'pcdp_')`, [plane, randomUUID()]);
});
afterEach(async () => {
  for (const engine of engines.splice(0)) engine.stopAll();
  for (const close of closers.splice(0)) await close();
});
afterAll(async () => {
  await writer.flush();
  await pool.end();
  await database.drop();
});

let clock = Date.parse("2026-12-01T10:00:00.000Z");
function event(overrides: Partial<AuditEvent> = {}): AuditEvent {
  clock += 1000;
  const fields = { consumer: "dev-user", groups: ["developer"], upstream_latency_ms: 3.25, total_latency_ms: 4.5, bytes_in: 100, bytes_out: 900 };
  return sampleAuditEvent({ time: new Date(clock).toISOString(), ...fields, ...overrides });
}
const batch = (size: number) => Array.from({ length: size }, () => event());

function engine(options = { capacity: 10_000, batchSize: 500, firstRetryMs: 20, maxRetryMs: 80 }): AuditExportEngine {
  const created = new AuditExportEngine(options);
  engines.push(created);
  return created;
}

const ingest = (exporter: AuditExportEngine, events: AuditEvent[]) => ingestAuditEvents(pool, writer, events, plane, (key, chained) => exporter.exportStored(key, chained));

async function storedChain(ids: string[]): Promise<Map<string, { chainSeq: number; hash: string }>> {
  const rows = await pool.query<{ id: string; chainSeq: number; hash: string }>(`SELECT id, "chainSeq"::float8 AS "chainSeq", hash FROM "AuditEvent" WHERE id = ANY($1::text[])`, [
    ids,
  ]);
  return new Map(rows.rows.map((row) => [row.id, { chainSeq: row.chainSeq, hash: row.hash }]));
}

interface WebhookRequest {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** An HTTP receiver on `port` that records each POST and answers 204. */
async function webhookReceiver(port = 0): Promise<{ url: string; requests: WebhookRequest[]; received: (count: number) => Promise<void> }> {
  const requests: WebhookRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const eventsSoFar = () => requests.reduce((sum, request) => sum + request.body.trim().split("\n").length, 0);
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(204).end();
      for (const waiter of waiters.filter((w) => eventsSoFar() >= w.count)) waiter.resolve();
    });
  });
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  const { port: bound } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/audit`,
    requests,
    received: (count) => (eventsSoFar() >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
  };
}

function verifySignature(secret: string, request: WebhookRequest): boolean {
  const timestamp = String(request.headers["x-portcullis-timestamp"]);
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(`${timestamp}.${request.body}`).digest("hex")}`);
  const given = Buffer.from(String(request.headers["x-portcullis-signature"]));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Splits an RFC 6587 §3.4.1 octet-counted stream into messages; what is left is an incomplete frame. */
function octetFrames(stream: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let at = 0;
  for (;;) {
    const space = stream.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(stream.subarray(at, space).toString("ascii"));
    if (!Number.isInteger(length) || length <= 0) throw new Error(`bad frame length at byte ${at}`);
    if (space + 1 + length > stream.length) break;
    messages.push(stream.subarray(space + 1, space + 1 + length).toString("utf8"));
    at = space + 1 + length;
  }
  return { messages, rest: stream.subarray(at) };
}

/** A syslog receiver (TCP, or TLS with `credentials`) that collects the messages of every connection. */
async function syslogReceiver(credentials?: { key: string; cert: string }) {
  const messages: string[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const onConnection = (socket: net.Socket) => {
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      const framed = octetFrames(Buffer.concat([pending, chunk]));
      pending = Buffer.from(framed.rest);
      messages.push(...framed.messages);
      for (const waiter of waiters.filter((w) => messages.length >= w.count)) waiter.resolve();
    });
    socket.on("error", () => {});
  };
  const server = credentials ? tls.createServer(credentials, onConnection) : net.createServer(onConnection);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return {
    port: (server.address() as net.AddressInfo).port,
    messages,
    received: (count: number) => (messages.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve }))),
  };
}

// RFC 5424 §6: <PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA SP MSG
const RFC5424 = /^<(\d{1,3})>1 (\S+) ([\x21-\x7e]{1,255}) portcullis (\d+) audit - \uFEFF(.*)$/s;

async function expectSyslogDelivery(receiver: Awaited<ReturnType<typeof syslogReceiver>>, exporter: AuditExportEngine) {
  const sent = [event(), event({ decision: "deny", reason: "tool not allowed", status: 403 }), event({ tool: "naïve ✓", decision: "error", status: 502 })];
  await ingest(exporter, sent);
  await receiver.received(3);
  const chain = await storedChain(sent.map((e) => e.id));
  expect(receiver.messages).toHaveLength(3);
  const parsed = receiver.messages.map((message) => {
    const match = RFC5424.exec(message);
    expect(match, message).not.toBeNull();
    return { pri: Number(match![1]), timestamp: match![2], event: JSON.parse(match![5]!) as ExportedEvent };
  });
  // Facility 13 (log audit): info for allow, notice for deny, err for error.
  expect(parsed.map((p) => p.pri)).toEqual([13 * 8 + 6, 13 * 8 + 5, 13 * 8 + 3]);
  expect(parsed.map((p) => p.event.id)).toEqual(sent.map((e) => e.id));
  expect(parsed[2]!.event.tool).toBe("naïve ✓");
  for (const { timestamp, event: exported } of parsed) {
    expect(timestamp).toBe(exported.time);
    expect({ chainSeq: exported.chainSeq, hash: exported.hash }).toEqual(chain.get(exported.id));
    expect(exported.chainKey).toBe(plane);
  }
}

describe("audit export", () => {
  it("posts batches of JSON lines to a webhook, signed with HMAC-SHA256 over the timestamp and body, with the chain hashes", async () => {
    const receiver = await webhookReceiver();
    const secret = "webhook-secret-" + randomUUID();
    const exporter = engine();
    exporter.start("hook", { deliver: webhookDelivery(receiver.url, secret) });
    const sent = batch(7);
    await ingest(exporter, sent);
    await receiver.received(7);

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request!.headers["content-type"]).toBe("application/x-ndjson");
    expect(Math.abs(Number(request!.headers["x-portcullis-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
    expect(verifySignature(secret, request!)).toBe(true);
    expect(verifySignature("another-secret", request!)).toBe(false);
    expect(request!.body.endsWith("\n")).toBe(true);
    const lines = request!.body
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as ExportedEvent);
    const chain = await storedChain(sent.map((e) => e.id));
    expect(lines.map((line) => line.id)).toEqual(sent.map((e) => e.id));
    for (const line of lines) expect({ chainKey: line.chainKey, chainSeq: line.chainSeq, hash: line.hash }).toEqual({ chainKey: plane, ...chain.get(line.id) });
    expect(exporter.status("hook")).toMatchObject({ queued: 0, delivered: 7, dropped: 0, lastError: null });
    expect(exporter.status("hook")!.lastSuccessAt).not.toBeNull();
  });

  it("exports only newly stored events: a re-sent batch is not exported twice", async () => {
    const receiver = await webhookReceiver();
    const exporter = engine();
    const sink = exporter.start("hook", { deliver: webhookDelivery(receiver.url, "s") });
    const sent = batch(3);
    await ingest(exporter, sent);
    await ingest(exporter, [...sent, event()]);
    await receiver.received(4);
    await sink.queue.drained();
    expect(exporter.status("hook")!.delivered).toBe(4);
  });

  it("sends octet-counted RFC 5424 messages to a syslog receiver over TCP", async () => {
    const receiver = await syslogReceiver();
    const exporter = engine();
    const delivery = syslogDelivery({ host: "127.0.0.1", port: receiver.port, tls: false });
    exporter.start("syslog", delivery);
    await expectSyslogDelivery(receiver, exporter);
  });

  it("sends them over TLS, verifying the receiver against the sink's CA", async () => {
    const pems = await generate([{ name: "commonName", value: "localhost" }], {
      keyType: "ec",
      curve: "P-256",
      algorithm: "sha256",
      extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] }],
    });
    const receiver = await syslogReceiver({ key: pems.private, cert: pems.cert });
    const exporter = engine();
    exporter.start("syslog-tls", syslogDelivery({ host: "localhost", port: receiver.port, tls: true, ca: pems.cert }));
    await expectSyslogDelivery(receiver, exporter);

    // Without the CA the receiver's self-signed certificate is refused and nothing is sent.
    const untrusting = engine();
    untrusting.start("syslog-tls", syslogDelivery({ host: "localhost", port: receiver.port, tls: true }));
    await ingest(untrusting, batch(1));
    await expect.poll(() => untrusting.status("syslog-tls")!.lastError).toMatch(/self-signed certificate/);
    expect(receiver.messages).toHaveLength(3);
  });

  it("fails a syslog batch a receiver stops reading within the write timeout, and dials again for the next", async () => {
    const connections: net.Socket[] = [];
    // Accepts, then never reads: the kernel's buffers fill and the socket stops taking frames.
    const server = net.createServer((socket) => connections.push(socket.pause()));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    closers.push(() => {
      for (const socket of connections) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    });
    const delivery = syslogDelivery({ host: "127.0.0.1", port: (server.address() as net.AddressInfo).port, tls: false }, { writeTimeoutMs: 300 });
    const large = exportedEvents(plane, [{ event: event({ tool: "x".repeat(100) }), time: new Date().toISOString(), seq: 1, hash: "h" }]);
    // About 40 MB: far more than loopback buffers hold.
    const batchOf = Array.from({ length: 100_000 }, () => large[0]!);
    await expect(delivery.deliver(batchOf)).rejects.toThrow(/took no data for 0.3 s; dialling again/);
    await expect(delivery.deliver(batchOf)).rejects.toThrow(/took no data/);
    expect(connections).toHaveLength(2);
    delivery.close();
  });

  it("keeps ingesting while a sink is down, counts what its full queue drops, and delivers what it kept once the sink is back", async () => {
    const port = await findFreePort();
    const exporter = engine({ capacity: 10, batchSize: 4, firstRetryMs: 20, maxRetryMs: 80 });
    exporter.start("down", { deliver: webhookDelivery(`http://127.0.0.1:${port}/audit`, "s") });
    // A sink that never answers at all: ingestion must not wait for it either.
    exporter.start("hung", { deliver: () => new Promise<void>(() => {}) });

    const sent = batch(25);
    expect(await ingest(exporter, sent.slice(0, 15))).toEqual({ inserted: 15, duplicates: 0 });
    expect(await ingest(exporter, sent.slice(15))).toEqual({ inserted: 10, duplicates: 0 });
    expect(exporter.status("down")).toMatchObject({ queued: 10, dropped: 15, delivered: 0 });
    expect(exporter.status("hung")).toMatchObject({ queued: 10, dropped: 15, delivered: 0 });
    await expect.poll(() => exporter.status("down")!.lastError).toMatch(/webhook unreachable/);

    const receiver = await webhookReceiver(port);
    await receiver.received(10);
    const delivered = receiver.requests.flatMap((request) =>
      request.body
        .trimEnd()
        .split("\n")
        .map((line) => (JSON.parse(line) as ExportedEvent).id),
    );
    expect(delivered).toEqual(sent.slice(0, 10).map((e) => e.id));
    expect(receiver.requests.every((request) => request.body.trimEnd().split("\n").length <= 4)).toBe(true);
    await expect.poll(() => exporter.status("down")).toMatchObject({ queued: 0, dropped: 15, delivered: 10 });
  });

  it("counts a webhook's non-2xx answer as a failed delivery and retries it", async () => {
    const answers = [500, 503];
    const bodies: string[] = [];
    const server = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      request.on("end", () => {
        bodies.push(body);
        response.writeHead(answers.shift() ?? 200).end();
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const exporter = engine();
    const sink = exporter.start("flaky", { deliver: webhookDelivery(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`, "s") });
    await ingest(exporter, batch(2));
    await sink.queue.drained();
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies).size).toBe(1);
    expect(exporter.status("flaky")).toMatchObject({ delivered: 2, lastError: "webhook answered HTTP 503" });
  });
});

describe("audit export to an OTLP logs endpoint", () => {
  async function receiver(port?: number): Promise<OtlpReceiver> {
    const started = await startOtlpReceiver(port);
    closers.push(() => started.close());
    return started;
  }
  const headers = () => Promise.resolve({ "x-tenant": "acme", authorization: "Bearer otlp-resolved-token" });

  for (const protocol of ["http/protobuf", "http/json"] as const) {
    it(`sends one log record per event over ${protocol}, with semantic-convention attributes, severity by decision and the chain hashes`, async () => {
      const otlp = await receiver();
      const exporter = engine();
      exporter.start("otlp", otlpLogsDelivery({ url: `${otlp.url}/v1/logs`, protocol, headers }));
      const sent = [
        event(),
        event({ decision: "deny", reason: "tool not allowed", status: 200, jsonrpc_error: -32003 }),
        event({ decision: "error", status: 502, end_user: "alice" }),
      ];
      await ingest(exporter, sent);
      const logs = await otlp.waitForLogs((all) => all.length >= 3);
      const chain = await storedChain(sent.map((e) => e.id));
      expect(otlp.contentTypes).toEqual([`/v1/logs ${protocol === "http/json" ? "application/json" : "application/x-protobuf"}`]);
      expect(otlp.headers[0]).toMatchObject({ "x-tenant": "acme", authorization: "Bearer otlp-resolved-token" });
      expect(logs.map((l) => [l.severityNumber, l.severityText])).toEqual([
        [9, "INFO"],
        [13, "WARN"],
        [17, "ERROR"],
      ]);
      for (const [i, log] of logs.entries()) {
        const stored = chain.get(sent[i]!.id)!;
        expect(log).toMatchObject({ service: "portcullis-console", scope: OTLP_LOGS_SCOPE, eventName: AUDIT_EVENT_NAME });
        expect(BigInt(log.timeUnixNano) / 1_000_000n).toBe(BigInt(Date.parse(sent[i]!.time)));
        expect(log.attributes).toMatchObject({
          "mcp.method.name": "tools/call",
          "gen_ai.tool.name": "search_repositories",
          "gen_ai.operation.name": "execute_tool",
          "http.request.method": "POST",
          "url.path": "/mcp",
          "portcullis.consumer": "dev-user",
          "portcullis.groups": ["developer"],
          "portcullis.server": "github",
          "portcullis.audit.event_id": sent[i]!.id,
          "portcullis.audit.chain_key": plane,
          "portcullis.audit.chain_seq": stored.chainSeq,
          "portcullis.audit.hash": stored.hash,
        });
        expect(log.body).toMatchObject({ id: sent[i]!.id, hash: stored.hash, chainSeq: stored.chainSeq, decision: sent[i]!.decision });
      }
      expect(logs[0]!.attributes["error.type"]).toBeUndefined();
      expect(logs[1]!.attributes).toMatchObject({ "error.type": "-32003", "rpc.response.status_code": "-32003", "portcullis.reason": "tool not allowed" });
      expect(logs[2]!.attributes).toMatchObject({ "error.type": "502", "http.response.status_code": 502, "user.name": "alice" });
      await expect.poll(() => exporter.status("otlp")).toMatchObject({ delivered: 3, queued: 0, dropped: 0, lastError: null });
    });
  }

  it("keeps ingesting while the endpoint is down, counts what its full queue drops, and delivers what it kept once it is back", async () => {
    const port = await findFreePort();
    const exporter = engine({ capacity: 10, batchSize: 4, firstRetryMs: 20, maxRetryMs: 80 });
    exporter.start("otlp-down", otlpLogsDelivery({ url: `http://127.0.0.1:${port}/v1/logs`, protocol: "http/protobuf", headers, timeoutMs: 300 }));
    const sent = batch(25);
    expect(await ingest(exporter, sent.slice(0, 15))).toEqual({ inserted: 15, duplicates: 0 });
    expect(await ingest(exporter, sent.slice(15))).toEqual({ inserted: 10, duplicates: 0 });
    expect(exporter.status("otlp-down")).toMatchObject({ queued: 10, dropped: 15, delivered: 0 });
    await expect.poll(() => exporter.status("otlp-down")!.lastError, { timeout: 5000 }).toMatch(/^OTLP logs endpoint/);

    const otlp = await receiver(port);
    const logs = await otlp.waitForLogs((all) => all.length >= 10);
    expect(logs.map((l) => l.attributes["portcullis.audit.event_id"])).toEqual(sent.slice(0, 10).map((e) => e.id));
    await expect.poll(() => exporter.status("otlp-down"), { timeout: 5000 }).toMatchObject({ queued: 0, dropped: 15, delivered: 10 });
  });

  it("counts a refused export as a failed delivery, names the HTTP status, and retries the batch", async () => {
    const otlp = await receiver();
    otlp.answerWith(400);
    const exporter = engine();
    const sink = exporter.start("otlp-refusing", otlpLogsDelivery({ url: `${otlp.url}/v1/logs`, protocol: "http/json", headers }));
    await ingest(exporter, batch(2));
    await expect.poll(() => exporter.status("otlp-refusing")!.lastError).toMatch(/400/);
    otlp.answerWith(200);
    await sink.queue.drained();
    expect(otlp.logs).toHaveLength(2);
    expect(otlp.refused()).toBeGreaterThan(0);
    expect(exporter.status("otlp-refusing")).toMatchObject({ delivered: 2, queued: 0 });
  });
});
