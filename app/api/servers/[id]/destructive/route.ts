import { route } from "@/lib/console/route";
import { destructiveDefaultSchema } from "@/lib/console/schemas/tool-requirement";
import { setDestructiveDefault } from "@/lib/console/tool-requirements";

export const PUT = route({ roles: ["admin"], body: destructiveDefaultSchema }, async ({ user, params, body }) => {
  await setDestructiveDefault(user, params.id!, body);
});
