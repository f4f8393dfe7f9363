import { checkCondition } from "@/lib/console/condition-check";
import { route } from "@/lib/console/route";
import { conditionCheckSchema } from "@/lib/console/schemas/condition-check";

/** Compiles and type-checks a condition for a tool of this server, and evaluates it on a sample call. Stores nothing. */
export const POST = route({ roles: ["admin"], body: conditionCheckSchema }, async ({ body, params }) => checkCondition(params.id!, body));
