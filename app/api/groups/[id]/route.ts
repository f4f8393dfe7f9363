import { deleteGroup, updateGroup } from "@/lib/console/groups";
import { route } from "@/lib/console/route";
import { groupInputSchema } from "@/lib/console/schemas/group";

export const PATCH = route({ roles: ["admin"], body: groupInputSchema }, async ({ user, body, params }) => ({
  group: await updateGroup(user, params.id!, body),
}));

export const DELETE = route({ roles: ["admin"] }, async ({ user, params }) => {
  await deleteGroup(user, params.id!);
});
