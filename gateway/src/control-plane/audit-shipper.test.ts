// The shipper against a console stand-in: an event the console reports invalid is dropped and
// counted, never sent again, and the events after it are delivered; a batch refused as a whole
// is dropped after a bounded number of attempts; a console failing with 5xx is retried, not dropped.
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { parseEventBatch, type AuditEvent } from "../../../lib/core/audit/event";
import { REFUSED_ATTEMPTS, ShippingAuditSink } from "./audit-shipper";

interface StandIn {
  url: string;
  posts: AuditEvent[][];
  stored: Set<string>;
  close(): Promise<void>;
}

function sampleAuditEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    ...{ id: randomUUID(), time: new Date().toISOString(), request_id: randomUUID(), http_method: "POST", path: "/mcp", session: false, server: "github" },
    ...{ consumer: "alice", groups: [], key_id: null, end_user: null, upstream_identity: null, method: "tools/call", tool: "search" },
    ...{ decision: "allow", reason: null, status: 200, jsonrpc_error: null, upstream_latency_ms: 1, total_latency_ms: 2, bytes_in: 10, bytes_out: 20 },
    ...{ token_hash: null, config_version: null },
    ...overrides,
  };
}

const open: StandIn[] = [];
const sinks: ShippingAuditSink[] = [];

/** A console that answers each POST with `answer` (the console's own validation by default). */
async function consoleStandIn(answer?: (events: AuditEvent[]) => { status: number; body: unknown }): Promise<StandIn> {
  const posts: AuditEvent[][] = [];
  const stored = new Set<string>();
  const server = http.createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString()));
    req.on("end", () => {
      const events = (JSON.parse(text) as { events: AuditEvent[] }).events;
      posts.push(events);
      let reply: { status: number; body: unknown };
      if (answer) reply = answer(events);
      else {
        const parsed = parseEventBatch(JSON.parse(text));
        if (!parsed.ok) reply = { status: 400, body: { error: { code: "invalid", message: "Malformed event batch.", problems: parsed.problems } } };
        else {
          for (const e of parsed.events) stored.add(e.id);
          reply = { status: 200, body: { inserted: parsed.events.length, duplicates: 0, invalid: parsed.invalid } };
        }
      }
      res.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const standIn = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts,
    stored,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  open.push(standIn);
  return standIn;
}

function shipper(url: string) {
  const logged: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const sink = new ShippingAuditSink({
    url,
    token: "pcdp_test",
    capacity: 10_000,
    retryBaseMs: 20,
    log: {
      warn: (fields, message) => logged.push({ level: "warn", fields, message }),
      error: (fields, message) => logged.push({ level: "error", fields, message }),
    },
  });
  sinks.push(sink);
  return { sink, logged };
}

/** Ships until `done` holds (each call waits out any backoff), at most ~5 s. */
async function shipUntil(sink: ShippingAuditSink, done: () => boolean) {
  for (let i = 0; i < 500 && !done(); i++) {
    await sink.ship();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

afterEach(async () => {
  await Promise.all(sinks.splice(0).map((s) => s.close()));
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe("ShippingAuditSink and what the console refuses", () => {
  it("drops an event the console reports invalid, counts it, never sends it again, and delivers the rest", async () => {
    const cp = await consoleStandIn();
    const { sink, logged } = shipper(cp.url);
    // As an older gateway built it: a path over the schema's 2,048 characters.
    const bad = sampleAuditEvent({ path: "/" + "a".repeat(3000), reason: "route_not_found" });
    const good = [sampleAuditEvent(), ...Array.from({ length: 200 }, () => sampleAuditEvent())];
    sink.emit(good[0]!);
    sink.emit(bad);
    for (const e of good.slice(1)) sink.emit(e);

    await shipUntil(sink, () => sink.stats().buffered === 0);
    expect(sink.stats()).toMatchObject({ emitted: 202, buffered: 0, dropped: 1, rejected: 1 });
    expect(cp.stored.size).toBe(201);
    expect(cp.stored.has(bad.id)).toBe(false);

    // More events: the invalid one is not sent again.
    const later = sampleAuditEvent();
    sink.emit(later);
    await shipUntil(sink, () => cp.stored.has(later.id));
    expect(cp.stored.has(later.id)).toBe(true);
    expect(cp.posts.flat().filter((e) => e.id === bad.id)).toHaveLength(1);

    // Logged once per kind, naming the field.
    const refusals = logged.filter((l) => l.message.includes("refused audit events as invalid"));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.fields.kind).toBe("path");

    sink.emit(sampleAuditEvent({ path: "/" + "b".repeat(3000) }));
    await shipUntil(sink, () => sink.stats().buffered === 0);
    expect(sink.stats()).toMatchObject({ dropped: 2, rejected: 2 });
    expect(logged.filter((l) => l.message.includes("refused audit events as invalid"))).toHaveLength(1);
  });

  it(`drops a batch the console refuses as a whole after ${REFUSED_ATTEMPTS} attempts, then ships the next`, async () => {
    let refuse = true;
    const cp = await consoleStandIn((events) =>
      refuse
        ? { status: 400, body: { error: { code: "invalid", message: "Malformed event batch.", problems: ["events: expected array"] } } }
        : { status: 200, body: { inserted: events.length, duplicates: 0, invalid: [] } },
    );
    const { sink, logged } = shipper(cp.url);
    for (let i = 0; i < 10; i++) sink.emit(sampleAuditEvent());
    await shipUntil(sink, () => sink.stats().buffered === 0);
    expect(cp.posts).toHaveLength(REFUSED_ATTEMPTS);
    expect(sink.stats()).toMatchObject({ emitted: 10, buffered: 0, dropped: 10, rejected: 10 });
    expect(logged.some((l) => l.level === "error" && l.message.includes("refused a batch of audit events every time"))).toBe(true);

    refuse = false;
    sink.emit(sampleAuditEvent());
    await shipUntil(sink, () => sink.stats().buffered === 0);
    expect(cp.posts).toHaveLength(REFUSED_ATTEMPTS + 1);
    expect(sink.stats()).toMatchObject({ emitted: 11, buffered: 0, dropped: 10 });
  });

  it("keeps retrying a console that fails with 5xx, dropping nothing", async () => {
    let failing = true;
    const cp = await consoleStandIn((events) =>
      failing ? { status: 503, body: { error: { code: "internal", message: "down" } } } : { status: 200, body: { inserted: events.length, duplicates: 0, invalid: [] } },
    );
    const { sink } = shipper(cp.url);
    for (let i = 0; i < 5; i++) sink.emit(sampleAuditEvent());
    await shipUntil(sink, () => cp.posts.length >= REFUSED_ATTEMPTS + 3);
    expect(sink.stats()).toMatchObject({ buffered: 5, dropped: 0, rejected: 0 });
    failing = false;
    await shipUntil(sink, () => sink.stats().buffered === 0);
    expect(sink.stats()).toMatchObject({ buffered: 0, dropped: 0, rejected: 0 });
  });

  it("takes an older console's answer without `invalid` as everything delivered", async () => {
    const cp = await consoleStandIn((events) => ({ status: 200, body: { inserted: events.length, duplicates: 0 } }));
    const { sink } = shipper(cp.url);
    sink.emit(sampleAuditEvent());
    await shipUntil(sink, () => sink.stats().buffered === 0);
    expect(sink.stats()).toMatchObject({ buffered: 0, dropped: 0, rejected: 0 });
  });
});
