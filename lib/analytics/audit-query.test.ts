// The audit explorer's filter: parsed field by field (a refused value gets its
// own message and the rest still apply), then run against a real database —
// substring matching taken literally, the "tool calls only" toggle, presets,
// the developer's scope and the suggestions.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import { sampleAuditEvent } from "../../test/support/audit-event";
import type { AuditEvent } from "../core/audit/event";
import { createDb, createPool, type Db } from "../db/client";
import {
  ALL_EVENTS,
  auditBatches,
  auditFilterQuery,
  auditPage,
  auditSuggestions,
  auditTimeWindow,
  likeLiteral,
  parseAuditFilter,
  type AuditFilter,
  type AuditScope,
} from "./audit-query";
import { ingestAuditEvents, RollupWriter } from "./ingest";

describe("parseAuditFilter", () => {
  it.each<[string, Record<string, string>, AuditFilter, Record<string, string>]>([
    ["no filters", {}, {}, {}],
    ["blank values count as absent", { server: " ", status: "" }, {}, {}],
    [
      "every field valid",
      {
        range: "1h",
        server: "github",
        consumer: "ali",
        tool: "push",
        method: "tools/call",
        decision: "deny",
        status: "403",
        calls: "all",
        cursor: "2026-12-01T10:00:00.000Z_3f1c0e8e-8d1a-4c55-9d1e-0d6f2b9a1c11",
      },
      {
        range: "1h",
        server: "github",
        consumer: "ali",
        tool: "push",
        method: "tools/call",
        decision: "deny",
        status: 403,
        calls: "all",
        cursor: "2026-12-01T10:00:00.000Z_3f1c0e8e-8d1a-4c55-9d1e-0d6f2b9a1c11",
      },
      {},
    ],
    ["values are trimmed", { tool: "  push_files " }, { tool: "push_files" }, {}],
    ["a status that is not a number keeps the others", { status: "abc", server: "github" }, { server: "github" }, { status: "a three-digit HTTP status such as 403" }],
    ["a status out of range", { status: "700" }, {}, { status: "from 100 to 599" }],
    ["an unknown decision", { decision: "maybe", tool: "x" }, { tool: "x" }, { decision: "allow, deny or error" }],
    ["an unknown preset", { range: "2h" }, {}, { range: "one of 15m, 1h, 24h, 7d" }],
    ["a time without a zone", { from: "2026-12-01T10:00" }, {}, { from: "a time with its zone, such as 2026-12-01T09:30:00Z" }],
    ["a time that is not one", { to: "yesterday", consumer: "bob" }, { consumer: "bob" }, { to: "a time with its zone, such as 2026-12-01T09:30:00Z" }],
    ["times with an offset", { from: "2026-12-01T10:00:00+01:00", to: "2026-12-01T12:00:00Z" }, { from: "2026-12-01T10:00:00+01:00", to: "2026-12-01T12:00:00Z" }, {}],
    ["To before From keeps From", { from: "2026-12-01T12:00:00Z", to: "2026-12-01T10:00:00Z" }, { from: "2026-12-01T12:00:00Z" }, { to: "must be later than From" }],
    ["a preset with From", { range: "1h", from: "2026-12-01T12:00:00Z" }, { from: "2026-12-01T12:00:00Z" }, { range: "choose a preset or From/To, not both" }],
    ["a method with spaces", { method: "tools call" }, {}, { method: "a JSON-RPC method such as tools/call (letters, digits and _ . / -)" }],
    ["an unknown toggle value", { calls: "some" }, {}, { calls: 'either "tools" or "all"' }],
    ["a forged cursor", { cursor: "x'; DROP TABLE" }, {}, { cursor: "not a page position this explorer gave out; start from the newest events" }],
    ["a name too long", { consumer: "c".repeat(257) }, {}, { consumer: "at most 256 characters" }],
  ])("%s", (_, params, filter, errors) => {
    const parsed = parseAuditFilter(params);
    expect(parsed.filter).toEqual(filter);
    expect(parsed.errors).toEqual(errors);
  });

  it("keeps the refused value to show it again, and reads the first of repeated parameters", () => {
    expect(parseAuditFilter({ status: "abc" }).values).toEqual({ status: "abc" });
    expect(parseAuditFilter({ tool: ["a", "b"] }).filter).toEqual({ tool: "a" });
    expect(parseAuditFilter(new URLSearchParams("tool=a&tool=b&status=x")).filter).toEqual({ tool: "a" });
  });

  it("round-trips through the query string links and exports use, without the cursor", () => {
    const filter: AuditFilter = { range: "24h", tool: "push_files", status: 429, calls: "all", cursor: "2026-12-01T10:00:00.000Z_abc" };
    const query = auditFilterQuery(filter, { format: "csv" });
    expect(new URLSearchParams(query).get("format")).toBe("csv");
    const { cursor: _cursor, ...rest } = filter;
    expect(parseAuditFilter(new URLSearchParams(query)).filter).toEqual(rest);
  });
});

describe("auditTimeWindow", () => {
  const now = new Date("2026-12-02T12:00:00Z");
  it.each<[AuditFilter, { from?: string; to?: string }]>([
    [{}, {}],
    [{ range: "15m" }, { from: "2026-12-02T11:45:00.000Z" }],
    [{ range: "1h" }, { from: "2026-12-02T11:00:00.000Z" }],
    [{ range: "24h" }, { from: "2026-12-01T12:00:00.000Z" }],
    [{ range: "7d" }, { from: "2026-11-25T12:00:00.000Z" }],
    [{ from: "2026-12-01T10:00:00+01:00" }, { from: "2026-12-01T09:00:00.000Z" }],
    [{ to: "2026-12-01T10:00:00Z" }, { to: "2026-12-01T10:00:00.000Z" }],
  ])("%j", (filter, expected) => {
    const window = auditTimeWindow(filter, now);
    expect({ from: window.from?.toISOString(), to: window.to?.toISOString() }).toEqual(expected);
  });
});

it.each([
  ["push_files", "push\\_files"],
  ["100%", "100\\%"],
  ["a\\b", "a\\\\b"],
])("likeLiteral(%s)", (value, pattern) => {
  expect(likeLiteral(value)).toBe(pattern);
});

describe("audit queries against a database", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let db: Db;
  const now = Date.now();

  const event = (overrides: Partial<AuditEvent>, minutesAgo = 1): AuditEvent => sampleAuditEvent({ time: new Date(now - minutesAgo * 60_000).toISOString(), ...overrides });

  const seeded = {
    search: event({}),
    push: event({ tool: "push_files", decision: "deny", reason: "tool_denied", consumer: "bob" }, 2),
    // Matches "push_files" only if "_" were a wildcard.
    pushLookalike: event({ tool: "pushyfiles", consumer: "bob" }, 3),
    init: event({ method: "initialize", tool: null }, 4),
    notification: event({ method: "notifications/initialized", tool: null, status: 202 }, 5),
    getSse: event({ method: null, tool: null, status: 405, decision: "error" }, 6),
    unauthenticated: event({ method: null, tool: null, status: 401, decision: "deny", consumer: null, reason: "key_missing" }, 7),
    old: event({ tool: "search_code", consumer: "carol" }, 3 * 60),
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool(database.url);
    db = createDb(pool);
    const writer = new RollupWriter(pool);
    await ingestAuditEvents(pool, writer, Object.values(seeded), null);
    await writer.flush();
  });
  afterAll(async () => {
    await db.$disconnect();
    await pool.end();
    await database.drop();
  });

  const ids = async (filter: AuditFilter, scope: AuditScope = ALL_EVENTS) => (await auditPage(db, filter, scope)).events.map((e) => e.id).sort();
  const of = (...events: AuditEvent[]) => events.map((e) => e.id).sort();

  it.each<[string, AuditFilter, (keyof typeof seeded)[]]>([
    ["tool calls only, by default", {}, ["search", "push", "pushLookalike", "unauthenticated", "old"]],
    ["every request", { calls: "all" }, ["search", "push", "pushLookalike", "init", "notification", "getSse", "unauthenticated", "old"]],
    ["a tool by substring, case-insensitive", { tool: "REPO" }, ["search"]],
    ["a tool by prefix", { tool: "push" }, ["push", "pushLookalike"]],
    ["an underscore taken literally", { tool: "push_f" }, ["push"]],
    ["a consumer by substring", { consumer: "li" }, ["search"]],
    ["a method, which shows what the toggle hides", { method: "initialize" }, ["init"]],
    ["a decision and status", { decision: "deny", status: 401 }, ["unauthenticated"]],
    ["the last hour", { range: "1h" }, ["search", "push", "pushLookalike", "unauthenticated"]],
    ["From and To", { from: new Date(now - 4 * 3_600_000).toISOString(), to: new Date(now - 3_600_000).toISOString() }, ["old"]],
  ])("%s", async (_, filter, expected) => {
    expect(await ids(filter)).toEqual(of(...expected.map((k) => seeded[k])));
  });

  it("scopes a developer to their own consumers' events, each since it was made (an older namesake's are not theirs)", async () => {
    const bob = (minutesAgo: number) => ({ name: "bob", since: new Date(now - minutesAgo * 60_000) });
    expect(await ids({ calls: "all" }, { consumers: [bob(60)] })).toEqual(of(seeded.push, seeded.pushLookalike));
    // Made two minutes ago: the event of three minutes ago was another bob's.
    expect(await ids({ calls: "all" }, { consumers: [bob(2)] })).toEqual(of(seeded.push));
    expect(await ids({ calls: "all" }, { consumers: [] })).toEqual([]);
  });

  it("exports the same filtered events in batches", async () => {
    const batches: string[][] = [];
    for await (const rows of auditBatches(db, { tool: "push" }, ALL_EVENTS, 1)) batches.push(rows.map((r) => r.id));
    expect(batches.flat().sort()).toEqual(of(seeded.push, seeded.pushLookalike));
    expect(batches).toHaveLength(2);
  });

  it("pages newest first with the cursor it hands out", async () => {
    const first = await auditPage(db, { calls: "all" }, ALL_EVENTS, 3);
    expect(first.events.map((e) => e.id)).toEqual([seeded.search.id, seeded.push.id, seeded.pushLookalike.id]);
    const second = await auditPage(db, { calls: "all", cursor: first.nextCursor! }, ALL_EVENTS, 3);
    expect(second.events.map((e) => e.id)).toEqual([seeded.init.id, seeded.notification.id, seeded.getSse.id]);
  });

  it("suggests names containing the text, those starting with it first, within the scope and window", async () => {
    const nowDate = new Date(now);
    expect(await auditSuggestions(db, "tool", "s", {}, ALL_EVENTS, nowDate)).toEqual(["search_code", "search_repositories", "push_files", "pushyfiles"]);
    expect(await auditSuggestions(db, "tool", "_f", {}, ALL_EVENTS, nowDate)).toEqual(["push_files"]);
    expect(await auditSuggestions(db, "consumer", "O", {}, ALL_EVENTS, nowDate)).toEqual(["bob", "carol"]);
    const bob = (minutesAgo: number) => ({ consumers: [{ name: "bob", since: new Date(now - minutesAgo * 60_000) }] });
    expect(await auditSuggestions(db, "tool", "s", {}, bob(60), nowDate)).toEqual(["push_files", "pushyfiles"]);
    // Rollups count by the minute: the minute a consumer was made counts whole, the one before does not.
    expect(await auditSuggestions(db, "tool", "s", {}, bob(2), nowDate)).toEqual(["push_files"]);
    expect(await auditSuggestions(db, "consumer", "a", {}, bob(60), nowDate)).toEqual([]);
    expect(await auditSuggestions(db, "tool", "search", { from: new Date(now - 3_600_000) }, ALL_EVENTS, nowDate)).toEqual(["search_repositories"]);
  });
});
