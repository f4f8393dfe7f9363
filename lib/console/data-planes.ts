// The data planes page and its writes: register a data plane (its token is
// returned once) and revoke one.
import path from "node:path";
import type { CurrentUser } from "../auth/session";
import { announceRevocation, createDataPlane } from "../controlplane/data-planes";
import { dataPlanesOverview } from "../controlplane/overview";
import { readSupervisionState } from "../core/supervision/state";
import { db } from "../db/client";
import { recordActivity } from "./activity";
import { notFound } from "./errors";

export async function listDataPlanes() {
  // The launcher's report on the processes of this machine (npm start), when it supervises them.
  const dataDir = path.resolve(/* turbopackIgnore: true */ process.env.PORTCULLIS_DATA_DIR || ".portcullis");
  const [overview, supervision] = await Promise.all([dataPlanesOverview(db()), readSupervisionState(dataDir)]);
  return { ...overview, supervision };
}

export async function registerDataPlane(actor: CurrentUser, name: string): Promise<{ id: string; token: string }> {
  const { id, token } = await createDataPlane(db(), name, actor.id);
  await recordActivity(db(), actor, { action: "data_plane.create", entityType: "data_plane", entityId: id, entityName: name });
  return { id, token };
}

export async function revokeDataPlane(actor: CurrentUser, id: string): Promise<void> {
  const plane = await db().dataPlane.findUnique({ where: { id } });
  if (!plane) throw notFound("This data plane");
  await db().$transaction(async (tx) => {
    await tx.dataPlane.update({ where: { id: plane.id }, data: { revokedAt: new Date(), status: "disconnected" } });
    await recordActivity(tx, actor, { action: "data_plane.revoke", entityType: "data_plane", entityId: plane.id, entityName: plane.name });
    // Delivered at commit to every console process: the plane's open config streams close (app/api/dp/v1/config).
    await announceRevocation(tx, plane.id);
  });
}
