import { route } from "@/lib/console/route";
import { toolsListResultSchema } from "@/lib/console/schemas/tools";
import { previewToolList } from "@/lib/console/tools";

/** What an imported tools/list result would change. Stores nothing. */
export const POST = route({ roles: ["admin"], body: toolsListResultSchema }, async ({ body, params }) => ({ diff: await previewToolList(params.id!, body.tools) }));
