import { route } from "@/lib/console/route";
import { applyToolsSchema } from "@/lib/console/schemas/tools";
import { applyToolList, listServerTools } from "@/lib/console/tools";

export const GET = route({ roles: ["admin"] }, async ({ params }) => ({ tools: await listServerTools(params.id!) }));

/** Accepts a previewed tool list: the stored tools become exactly this list. */
export const PUT = route({ roles: ["admin"], body: applyToolsSchema }, async ({ user, body, params }) => ({
  diff: await applyToolList(user, params.id!, body.source, body.tools),
}));
