import { deleteLimit, updateLimit } from "@/lib/console/limits";
import { route } from "@/lib/console/route";
import { limitInputSchema } from "@/lib/console/schemas/limit";

export const PUT = route({ roles: ["admin"], body: limitInputSchema }, async ({ user, body, params }) => updateLimit(user, params.id!, body));

export const DELETE = route({ roles: ["admin"] }, async ({ user, params }) => {
  await deleteLimit(user, params.id!);
});
