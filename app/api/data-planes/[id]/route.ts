import { db } from "@/lib/db/client";
import { recordActivity } from "@/lib/console/activity";
import { notFound } from "@/lib/console/errors";
import { route } from "@/lib/console/route";

export const DELETE = route({ roles: ["admin"] }, async ({ user, params }) => {
  const plane = await db().dataPlane.findUnique({ where: { id: params.id! } });
  if (!plane) throw notFound("This data plane");
  await db().$transaction(async (tx) => {
    await tx.dataPlane.update({ where: { id: plane.id }, data: { revokedAt: new Date(), status: "disconnected" } });
    await recordActivity(tx, user, { action: "data_plane.revoke", entityType: "data_plane", entityId: plane.id, entityName: plane.name });
  });
});
