// The audit event the gateway builds for a request always validates against the console's
// schema, however long the path, the method list or the caller's groups: one that did not
// would be refused by the console.
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { auditEventSchema, eventBatchSchema, fitAuditEvent, type AuditEvent } from "../../../lib/core/audit/event";
import type { ArgumentHasher } from "../../../lib/core/redaction/argument-redaction";
import type { CompiledConsumer } from "../config/compile";
import { parseJsonRpcBody } from "../jsonrpc/message";
import { RequestContext } from "./context";
import { recordOutcome } from "./record-outcome";

function built(setUp: (ctx: RequestContext) => void, url = "/mcp", status = 200): AuditEvent {
  const req = { url, method: "POST", headers: {}, socket: {} } as unknown as IncomingMessage;
  const res = { statusCode: status } as unknown as ServerResponse;
  const ctx = new RequestContext(req, res, undefined);
  setUp(ctx);
  const emitted: AuditEvent[] = [];
  const errors: unknown[] = [];
  recordOutcome(ctx, {
    audit: { emit: (event) => emitted.push(event), stats: () => ({ emitted: 0, dropped: 0, buffered: 0 }), close: async () => {} },
    metrics: { record() {} } as never,
    log: { error: (fields: unknown) => errors.push(fields) } as never,
    argumentHasher: {} as ArgumentHasher,
  });
  expect(errors).toEqual([]);
  expect(emitted).toHaveLength(1);
  return emitted[0]!;
}

function expectValid(event: AuditEvent) {
  const parsed = auditEventSchema.safeParse(event);
  expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([]);
  expect(eventBatchSchema.safeParse({ events: [event] }).success).toBe(true);
}

const caller = (groups: string[]): CompiledConsumer => ({ username: "alice", groups });

describe("the gateway's audit event fits the console's schema", () => {
  it("a 3,000-character path (route_not_found, no key needed) is cut with a marker naming its length", () => {
    const event = built(
      (ctx) => {
        ctx.decision = "error";
        ctx.reason = "route_not_found";
      },
      "/" + "a".repeat(2999),
      404,
    );
    expectValid(event);
    expect(event.path).toHaveLength(2048);
    expect(event.path.startsWith("/aaaa")).toBe(true);
    expect(event.path.endsWith("…[3000 chars]")).toBe(true);
  });

  it("a 300-character JSON-RPC method, and a batch whose methods joined exceed 256 characters", () => {
    const long = built((ctx) => {
      ctx.body = parseJsonRpcBody(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "x".repeat(300) }), "2025-03-26");
    });
    expectValid(long);
    expect(long.method).toMatch(/^x+…\[300 chars\]$/);
    expect(long.method).toHaveLength(256);

    const calls = Array.from({ length: 30 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "tools/call", params: { name: "search" } }));
    const batch = built((ctx) => {
      ctx.body = parseJsonRpcBody(JSON.stringify(calls), "2025-03-26");
    });
    expectValid(batch);
    expect(batch.method!.startsWith("tools/call,tools/call,")).toBe(true);
    expect(batch.method!.endsWith(`…[${30 * 11 - 1} chars]`)).toBe(true);
  });

  it("150 groups, one of them 200 characters: 99 kept, each within 128, and a last entry counting the rest", () => {
    const groups = Array.from({ length: 150 }, (_, i) => (i === 3 ? "g".repeat(200) : `group-${i}`));
    const event = built((ctx) => {
      ctx.caller = caller(groups);
    });
    expectValid(event);
    expect(event.groups).toHaveLength(100);
    expect(event.groups.slice(0, 3)).toEqual(["group-0", "group-1", "group-2"]);
    expect(event.groups[3]).toMatch(/^g+…\[200 chars\]$/);
    expect(event.groups[99]).toBe("…[+51 groups]");
  });

  it("a 300-character end_user, a long upstream identity and reason", () => {
    const event = built((ctx) => {
      ctx.endUser = "u".repeat(300);
      ctx.upstreamIdentity = "{vault://v/" + "k".repeat(600) + "}";
      ctx.reason = "r".repeat(1200);
    });
    expectValid(event);
    expect(event.end_user).toMatch(/^u+…\[300 chars\]$/);
    expect(event.end_user).toHaveLength(255);
    expect(event.upstream_identity).toHaveLength(512);
    expect(event.reason).toHaveLength(1000);
  });

  it("a NUL or a lone surrogate (say, in an IdP claim), which the database cannot hold, becomes U+FFFD", () => {
    const event = built((ctx) => {
      ctx.endUser = "a\u0000b\ud800";
      ctx.caller = caller(["g\udc00"]);
    });
    expectValid(event);
    expect(event.end_user).toBe("a\ufffdb\ufffd");
    expect(event.groups).toEqual(["g\ufffd"]);
  });

  it("a caller's recorded arguments holding a NUL or a lone surrogate, in a name or a value at any depth, become storable", () => {
    const event = built(() => {});
    event.arguments = { "q\u0000": "ok", nested: { list: ["a\ud800", { deep: "b\u0000" }] }, n: 1 };
    fitAuditEvent(event);
    expectValid(event);
    expect(event.arguments).toEqual({ "q\ufffd": "ok", nested: { list: ["a\ufffd", { deep: "b\ufffd" }] }, n: 1 });
  });

  it("never cuts a surrogate pair in half", () => {
    // 2047 characters, then an emoji (two code units) across the cut.
    const event = built(() => {}, "/" + "a".repeat(2046) + "😀".repeat(10));
    expectValid(event);
    expect(event.path.isWellFormed()).toBe(true);
  });

  it("an ordinary event is left as it is", () => {
    const event = built((ctx) => {
      ctx.caller = caller(["dev", "ops"]);
      ctx.body = parseJsonRpcBody(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "search" } }), "2025-03-26");
    });
    expectValid(event);
    expect(event).toMatchObject({ path: "/mcp", groups: ["dev", "ops"], method: "tools/call", tool: "search", consumer: "alice" });
  });
});
