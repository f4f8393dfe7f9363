import { z } from "zod";
import { entityNameSchema } from "@/lib/core/config/schema";
import { listDataPlanes, registerDataPlane } from "@/lib/console/data-planes";
import { route } from "@/lib/console/route";

export const GET = route({ roles: ["admin"] }, async () => listDataPlanes());

// The token is returned this once and never again.
export const POST = route({ roles: ["admin"], body: z.object({ name: entityNameSchema }) }, async ({ user, body }) => registerDataPlane(user, body.name));
