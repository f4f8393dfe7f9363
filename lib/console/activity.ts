// The admin activity log: who changed what, when, with before and after.
// Written in the same transaction as the change it describes.
import type { Prisma } from "../generated/prisma/client";
import type { CurrentUser } from "../auth/session";

type Tx = Prisma.TransactionClient;

export interface Activity {
  action: string;
  entityType: string;
  entityId?: string;
  entityName?: string;
  before?: unknown;
  after?: unknown;
}

const json = (value: unknown) => (value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue));

export async function recordActivity(tx: Tx, actor: Pick<CurrentUser, "id" | "email">, activity: Activity): Promise<void> {
  await tx.activityLog.create({
    data: {
      actorId: actor.id,
      actorEmail: actor.email,
      action: activity.action,
      entityType: activity.entityType,
      entityId: activity.entityId ?? "",
      entityName: activity.entityName ?? "",
      before: json(activity.before),
      after: json(activity.after),
    },
  });
}
