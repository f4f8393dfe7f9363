// Reading the admin activity log: newest first, filtered by entity type,
// actor and free text, one page at a time. The cursor is the (time, id) of
// the last entry shown, so pages stay stable while new entries arrive; the
// query walks the (time) and (entityType, time) indexes.
import { db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { ConsoleError } from "./errors";
import type { ActivityFilter } from "./schemas/activity";

export const ACTIVITY_PAGE_SIZE = 50;

export interface ActivityEntry {
  id: string;
  time: string;
  actorEmail: string;
  action: string;
  entityType: string;
  entityId: string;
  entityName: string;
  before: unknown;
  after: unknown;
}

export interface ActivityPage {
  entries: ActivityEntry[];
  nextCursor?: string;
}

const encodeCursor = (time: Date, id: string) => Buffer.from(JSON.stringify([time.toISOString(), id])).toString("base64url");

function decodeCursor(cursor: string): { time: Date; id: string } {
  try {
    const [time, id] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as [string, string];
    const date = new Date(time);
    if (typeof id !== "string" || Number.isNaN(date.getTime())) throw new Error("bad cursor");
    return { time: date, id };
  } catch {
    throw new ConsoleError("invalid", "That page link is no longer valid; start from the first page.");
  }
}

export async function listActivity(filter: ActivityFilter, pageSize = ACTIVITY_PAGE_SIZE): Promise<ActivityPage> {
  const where: Prisma.ActivityLogWhereInput[] = [];
  if (filter.type) where.push({ entityType: filter.type });
  if (filter.actor) where.push({ actorEmail: { contains: filter.actor, mode: "insensitive" } });
  if (filter.q) {
    where.push({
      OR: [{ entityName: { contains: filter.q, mode: "insensitive" } }, { action: { contains: filter.q, mode: "insensitive" } }, { entityId: filter.q }],
    });
  }
  if (filter.cursor) {
    const { time, id } = decodeCursor(filter.cursor);
    where.push({ OR: [{ time: { lt: time } }, { time, id: { lt: id } }] });
  }
  const rows = await db().activityLog.findMany({ where: { AND: where }, orderBy: [{ time: "desc" }, { id: "desc" }], take: pageSize + 1 });
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  return {
    entries: page.map((r) => ({
      id: r.id,
      time: r.time.toISOString(),
      actorEmail: r.actorEmail,
      action: r.action,
      entityType: r.entityType,
      entityId: r.entityId,
      entityName: r.entityName,
      before: r.before,
      after: r.after,
    })),
    nextCursor: rows.length > pageSize && last ? encodeCursor(last.time, last.id) : undefined,
  };
}

/** Entity types present in the log, for the filter. */
export async function listActivityEntityTypes(): Promise<string[]> {
  const types = await db().activityLog.groupBy({ by: ["entityType"], orderBy: { entityType: "asc" } });
  return types.map((t) => t.entityType);
}
