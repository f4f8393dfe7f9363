// The audit explorer: raw events, newest first, filtered, with keyset (cursor)
// pagination so page 1,000 costs what page 1 does, and streamed exports.
import { z } from "zod";
import type { Db } from "../db/client";
import type { AuditEvent as AuditRow, Prisma } from "../generated/prisma/client";

const optionalText = z
  .string()
  .trim()
  .max(256)
  .optional()
  .transform((v) => v || undefined);

export const auditFilterSchema = z.object({
  from: z.iso
    .datetime({ offset: true, local: true })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  to: z.iso
    .datetime({ offset: true, local: true })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  server: optionalText,
  consumer: optionalText,
  tool: optionalText,
  decision: z
    .enum(["allow", "deny", "error"])
    .optional()
    .or(z.literal("").transform(() => undefined)),
  status: z.coerce
    .number()
    .int()
    .min(100)
    .max(599)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** Calls forwarded after a confirmation or an approval: either, or one kind. */
  approval: z
    .enum(["any", "confirm", "approve"])
    .optional()
    .or(z.literal("").transform(() => undefined)),
  cursor: optionalText,
});

export type AuditFilter = Partial<z.infer<typeof auditFilterSchema>>;

export function parseAuditFilter(params: Record<string, string | string[] | undefined>): AuditFilter {
  const flat = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const result = auditFilterSchema.safeParse(flat);
  return result.success ? result.data : {};
}

function where(filter: AuditFilter): Prisma.AuditEventWhereInput {
  return {
    ...(filter.from || filter.to ? { time: { ...(filter.from ? { gte: new Date(filter.from) } : {}), ...(filter.to ? { lt: new Date(filter.to) } : {}) } } : {}),
    ...(filter.server ? { serverName: filter.server } : {}),
    ...(filter.consumer ? { consumerName: filter.consumer } : {}),
    ...(filter.tool ? { toolName: filter.tool } : {}),
    ...(filter.decision ? { decision: filter.decision } : {}),
    ...(filter.status ? { httpStatus: filter.status } : {}),
    ...(filter.approval ? (filter.approval === "any" ? { approvalId: { not: null } } : { approvalKind: filter.approval }) : {}),
  };
}

function decodeCursor(cursor: string | undefined): { time: Date; id: string } | undefined {
  if (!cursor) return undefined;
  const [time, id] = cursor.split("_");
  const date = new Date(time ?? "");
  return id && !Number.isNaN(date.getTime()) ? { time: date, id } : undefined;
}

const encodeCursor = (row: AuditRow) => `${row.time.toISOString()}_${row.id}`;

async function page(db: Db, filter: AuditFilter, after: { time: Date; id: string } | undefined, limit: number): Promise<AuditRow[]> {
  const base = where(filter);
  return db.auditEvent.findMany({
    where: after ? { AND: [base, { OR: [{ time: { lt: after.time } }, { time: after.time, id: { lt: after.id } }] }] } : base,
    orderBy: [{ time: "desc" }, { id: "desc" }],
    take: limit,
  });
}

export async function auditPage(db: Db, filter: AuditFilter, limit = 50): Promise<{ events: AuditRow[]; nextCursor: string | null }> {
  const rows = await page(db, filter, decodeCursor(filter.cursor), limit + 1);
  const events = rows.slice(0, limit);
  return { events, nextCursor: rows.length > limit ? encodeCursor(events[events.length - 1]!) : null };
}

/** Every matching event (from the newest, ignoring any cursor), a batch at a time, never the whole set in memory. */
export async function* auditBatches(db: Db, filter: AuditFilter, batchSize = 1000): AsyncGenerator<AuditRow[]> {
  let after: { time: Date; id: string } | undefined;
  for (;;) {
    const rows = await page(db, filter, after, batchSize);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    after = { time: last.time, id: last.id };
  }
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
