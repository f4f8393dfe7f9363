import { route } from "@/lib/console/route";
import { reviewToolsSchema } from "@/lib/console/schemas/tools";
import { markToolsReviewed } from "@/lib/console/tools";

export const POST = route({ roles: ["admin"], body: reviewToolsSchema }, async ({ user, body, params }) => ({ reviewed: await markToolsReviewed(user, params.id!, body.names) }));
