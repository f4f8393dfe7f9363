// The audit explorer: raw events, newest first, filtered, with keyset (cursor)
// pagination so page 1,000 costs what page 1 does, and streamed exports.
//
// A filter is parsed field by field: a value that does not parse gets its own
// message and is left out, and every other field still applies. A new filter
// is one entry in FILTER_FIELDS (how its value is read) and, when it narrows the
// events, one in CONDITIONS (the rows it keeps).
import { z } from "zod";
import type { Db } from "../db/client";
import { Prisma, type AuditEvent as AuditRow } from "../generated/prisma/client";

/** The explorer's time presets: the last 15 minutes, hour, day or week. */
export const TIME_PRESETS = { "15m": 15 * 60_000, "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 } as const;
export type TimePreset = keyof typeof TIME_PRESETS;
const PRESET_KEYS = Object.keys(TIME_PRESETS) as [TimePreset, ...TimePreset[]];

const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([A-Za-z0-9-]{1,64})$/;
const METHOD = /^[A-Za-z0-9_./-]{1,64}$/;

const text = z.string().max(256, "at most 256 characters");
const instant = z.iso.datetime({ offset: true, error: "a time with its zone, such as 2026-12-01T09:30:00Z" });

export const FILTER_FIELDS = {
  range: z.enum(PRESET_KEYS, { error: `one of ${PRESET_KEYS.join(", ")}` }),
  from: instant,
  to: instant,
  server: text,
  consumer: text,
  tool: text,
  method: z.string().regex(METHOD, "a JSON-RPC method such as tools/call (letters, digits and _ . / -)"),
  decision: z.enum(["allow", "deny", "error"], { error: "allow, deny or error" }),
  status: z
    .string()
    .regex(/^\d{3}$/, "a three-digit HTTP status such as 403")
    .transform(Number)
    .pipe(z.number().min(100, "from 100 to 599").max(599, "from 100 to 599")),
  // "tools" (the default) hides initialize, notifications and 405s; "all" shows every request.
  calls: z.enum(["tools", "all"], { error: 'either "tools" or "all"' }),
  /** Calls forwarded after a confirmation or an approval: either, or one kind. */
  approval: z.enum(["any", "confirm", "approve"], { error: "any, confirm or approve" }),
  cursor: z.string().regex(CURSOR, "not a page position this explorer gave out; start from the newest events"),
} satisfies Record<string, z.ZodType<unknown, string>>;

export type AuditFilterField = keyof typeof FILTER_FIELDS;
export type AuditFilter = { [K in AuditFilterField]?: z.output<(typeof FILTER_FIELDS)[K]> };
export type AuditFilterErrors = Partial<Record<AuditFilterField, string>>;

export interface ParsedAuditFilter {
  filter: AuditFilter;
  /** Field → what is wrong with its value; those fields are left out of `filter`. */
  errors: AuditFilterErrors;
  /** The values as given (trimmed), valid or not, to put back in the form. */
  values: Partial<Record<AuditFilterField, string>>;
}

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

function paramOf(params: Params, name: string): string | undefined {
  const value = params instanceof URLSearchParams ? params.get(name) : params[name];
  return (Array.isArray(value) ? value[0] : (value ?? undefined))?.trim() || undefined;
}

export function parseAuditFilter(params: Params): ParsedAuditFilter {
  const filter: Record<string, unknown> = {};
  const errors: AuditFilterErrors = {};
  const values: ParsedAuditFilter["values"] = {};
  for (const [name, schema] of Object.entries(FILTER_FIELDS) as [AuditFilterField, z.ZodType][]) {
    const raw = paramOf(params, name);
    if (raw === undefined) continue;
    values[name] = raw;
    const result = schema.safeParse(raw);
    if (result.success) filter[name] = result.data;
    else errors[name] = result.error.issues[0]!.message;
  }
  const parsed = filter as AuditFilter;
  if (parsed.from && parsed.to && Date.parse(parsed.from) >= Date.parse(parsed.to)) {
    errors.to = "must be later than From";
    delete parsed.to;
  }
  if (parsed.range && (values.from || values.to)) {
    errors.range = "choose a preset or From/To, not both";
    delete parsed.range;
  }
  return { filter: parsed, errors, values };
}

/** The filter as a query string (without its cursor unless one is given in `extra`), for links and exports. */
export function auditFilterQuery(filter: AuditFilter, extra: Record<string, string> = {}): string {
  const entries = Object.entries({ ...filter, cursor: undefined, ...extra }).filter(([, v]) => v !== undefined && v !== "");
  return new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString();
}

/** The filter's time window at `now`: a preset counts back from now; From and To are as given. */
export function auditTimeWindow(filter: AuditFilter, now = new Date()): { from?: Date; to?: Date } {
  if (filter.range) return { from: new Date(now.getTime() - TIME_PRESETS[filter.range]) };
  return { ...(filter.from ? { from: new Date(filter.from) } : {}), ...(filter.to ? { to: new Date(filter.to) } : {}) };
}

/**
 * Whose events a reader sees: all, or those of some consumers — each from the moment it was made, as audit
 * events name a consumer by its name, and a name can be a deleted consumer's, whose events are not its successor's.
 */
export type AuditScope = { consumers: "all" } | { consumers: { name: string; since: Date }[] };
export const ALL_EVENTS: AuditScope = { consumers: "all" };

/** A LIKE pattern matching `value` literally (PostgreSQL's default escape is the backslash; Prisma escapes nothing). */
export function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const contains = (value: string) => ({ contains: likeLiteral(value), mode: "insensitive" as const });

// What the "tool calls only" toggle hides: the session handshake, notifications and the 405 a GET without SSE gets.
const TOOL_CALLS_ONLY: Prisma.AuditEventWhereInput = {
  AND: [{ OR: [{ method: null }, { AND: [{ method: { not: "initialize" } }, { NOT: { method: { startsWith: "notifications/" } } }] }] }, { httpStatus: { not: 405 } }],
};

const CONDITIONS: { [K in AuditFilterField]?: (value: NonNullable<AuditFilter[K]>) => Prisma.AuditEventWhereInput } = {
  server: (v) => ({ serverName: v }),
  consumer: (v) => ({ consumerName: contains(v) }),
  tool: (v) => ({ toolName: contains(v) }),
  method: (v) => ({ method: v }),
  decision: (v) => ({ decision: v }),
  status: (v) => ({ httpStatus: v }),
  approval: (v) => (v === "any" ? { approvalId: { not: null } } : { approvalKind: v }),
};

/** The rows a filter keeps, within a scope; a method filter replaces the "tool calls only" toggle (asking for initialize shows it). */
export function auditWhere(filter: AuditFilter, scope: AuditScope, now = new Date()): Prisma.AuditEventWhereInput {
  const and: Prisma.AuditEventWhereInput[] = [];
  const { from, to } = auditTimeWindow(filter, now);
  if (from || to) and.push({ time: { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) } });
  for (const [name, condition] of Object.entries(CONDITIONS) as [AuditFilterField, (v: unknown) => Prisma.AuditEventWhereInput][]) {
    if (filter[name] !== undefined) and.push(condition(filter[name]));
  }
  if ((filter.calls ?? "tools") === "tools" && !filter.method) and.push(TOOL_CALLS_ONLY);
  // An empty OR would keep every row: no consumers, no events.
  if (scope.consumers !== "all")
    and.push(scope.consumers.length === 0 ? { id: { in: [] } } : { OR: scope.consumers.map(({ name, since }) => ({ consumerName: name, time: { gte: since } })) });
  return { AND: and };
}

function decodeCursor(cursor: string | undefined): { time: Date; id: string } | undefined {
  const match = cursor ? CURSOR.exec(cursor) : null;
  return match ? { time: new Date(match[1]!), id: match[2]! } : undefined;
}

const encodeCursor = (row: AuditRow) => `${row.time.toISOString()}_${row.id}`;

async function page(db: Db, where: Prisma.AuditEventWhereInput, after: { time: Date; id: string } | undefined, limit: number): Promise<AuditRow[]> {
  return db.auditEvent.findMany({
    where: after ? { AND: [where, { OR: [{ time: { lt: after.time } }, { time: after.time, id: { lt: after.id } }] }] } : where,
    orderBy: [{ time: "desc" }, { id: "desc" }],
    take: limit,
  });
}

export async function auditPage(db: Db, filter: AuditFilter, scope: AuditScope, limit = 50): Promise<{ events: AuditRow[]; nextCursor: string | null }> {
  const rows = await page(db, auditWhere(filter, scope), decodeCursor(filter.cursor), limit + 1);
  const events = rows.slice(0, limit);
  return { events, nextCursor: rows.length > limit ? encodeCursor(events[events.length - 1]!) : null };
}

/** Every matching event (from the newest, ignoring any cursor), a batch at a time, never the whole set in memory. */
export async function* auditBatches(db: Db, filter: AuditFilter, scope: AuditScope, batchSize = 1000): AsyncGenerator<AuditRow[]> {
  // One `now` for the whole export, so a preset's window does not slide between batches.
  const where = auditWhere(filter, scope);
  let after: { time: Date; id: string } | undefined;
  for (;;) {
    const rows = await page(db, where, after, batchSize);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    after = { time: last.time, id: last.id };
  }
}

export const SUGGESTION_FIELDS = ["tool", "consumer"] as const;
export type SuggestionField = (typeof SUGGESTION_FIELDS)[number];
const SUGGESTION_COLUMN = { tool: Prisma.raw(`"toolName"`), consumer: Prisma.raw(`"consumerName"`) } as const;
// Without a time filter, suggestions come from the last week's traffic.
const SUGGESTION_DEFAULT_WINDOW_MS = TIME_PRESETS["7d"];

/**
 * Up to ten tool or consumer names seen in the window that contain `q`
 * (case-insensitive), those starting with it first, read from the per-minute
 * rollups rather than the raw events.
 */
export async function auditSuggestions(db: Db, field: SuggestionField, q: string, window: { from?: Date; to?: Date }, scope: AuditScope, now = new Date()): Promise<string[]> {
  const column = SUGGESTION_COLUMN[field];
  const from = window.from ?? new Date(now.getTime() - SUGGESTION_DEFAULT_WINDOW_MS);
  const names = scope.consumers === "all" ? null : scope.consumers.map((c) => c.name);
  const sinces = scope.consumers === "all" ? null : scope.consumers.map((c) => c.since);
  const rows = await db.$queryRaw<{ name: string }[]>`
    SELECT ${column} AS name FROM "AuditRollup"
     WHERE minute >= ${from} AND (${window.to ?? null}::timestamptz IS NULL OR minute < ${window.to ?? null}::timestamptz)
       AND ${column} <> '' AND ${column} ILIKE ${`%${likeLiteral(q)}%`}
       AND (${names}::text[] IS NULL OR EXISTS (
             SELECT 1 FROM unnest(${names}::text[], ${sinces}::timestamptz[]) AS scope(name, since)
              WHERE scope.name = "consumerName" AND minute >= date_trunc('minute', scope.since)))
     GROUP BY 1
     ORDER BY (${column} ILIKE ${`${likeLiteral(q)}%`}) DESC, 1
     LIMIT 10`;
  return rows.map((row) => row.name);
}

export const EXPORT_COLUMNS = [
  "id",
  "time",
  "requestId",
  "serverName",
  "consumerName",
  "groups",
  "endUser",
  "upstreamIdentity",
  "method",
  "toolName",
  "decision",
  "reason",
  "httpStatus",
  "rpcErrorCode",
  "upstreamLatencyMs",
  "totalLatencyMs",
  "bytesIn",
  "bytesOut",
  "dataPlaneId",
  // Each event's place in its data plane's hash chain, so an export can be checked outside the console.
  "chainKey",
  "chainSeq",
  "hash",
] as const;

function csvCell(value: unknown): string {
  const text = value instanceof Date ? value.toISOString() : Array.isArray(value) ? value.join(" ") : value === null || value === undefined ? "" : String(value);
  // Quote everything that could break a row, and neutralise spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvLine(row: AuditRow): string {
  return EXPORT_COLUMNS.map((c) => csvCell(row[c])).join(",") + "\n";
}

export function jsonLine(row: AuditRow): string {
  // chainSeq is a BigInt, which JSON.stringify refuses; positions stay far below 2^53.
  return JSON.stringify(Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, typeof row[c] === "bigint" ? Number(row[c]) : row[c]]))) + "\n";
}
