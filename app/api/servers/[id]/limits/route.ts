import { createLimit, listServerLimits } from "@/lib/console/limits";
import { route } from "@/lib/console/route";
import { limitInputSchema } from "@/lib/console/schemas/limit";

export const GET = route({ roles: ["admin"] }, async ({ params }) => ({ limits: await listServerLimits(params.id!) }));

/** A new rate limit on this server (400 with the field when the gateways would refuse it). */
export const POST = route({ roles: ["admin"], body: limitInputSchema }, async ({ user, body, params }) => createLimit(user, params.id!, body));
