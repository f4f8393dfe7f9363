import { route } from "@/lib/console/route";
import { syncToolsSchema } from "@/lib/console/schemas/tools";
import { syncToolList } from "@/lib/console/tools";

/** Reads the upstream's tool list with a credential for this request only, and previews what would change. Stores nothing. */
export const POST = route({ roles: ["admin"], body: syncToolsSchema }, async ({ body, params }) => syncToolList(params.id!, body.headers));
