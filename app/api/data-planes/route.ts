import { z } from "zod";
import { db } from "@/lib/db/client";
import { entityNameSchema } from "@/lib/core/config/schema";
import { recordActivity } from "@/lib/console/activity";
import { route } from "@/lib/console/route";
import { createDataPlane } from "@/lib/controlplane/data-planes";
import { dataPlanesOverview } from "@/lib/controlplane/overview";

export const GET = route({ roles: ["admin"] }, async () => dataPlanesOverview(db()));

export const POST = route({ roles: ["admin"], body: z.object({ name: entityNameSchema }) }, async ({ user, body }) => {
  const { id, token } = await createDataPlane(db(), body.name, user.id);
  await recordActivity(db(), user, { action: "data_plane.create", entityType: "data_plane", entityId: id, entityName: body.name });
  // The token is returned this once and never again.
  return { id, token };
});
