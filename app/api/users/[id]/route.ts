import { route } from "@/lib/console/route";
import { userUpdateSchema } from "@/lib/console/schemas/user";
import { deleteUser, updateUser } from "@/lib/console/users";

export const PATCH = route({ roles: ["admin"], body: userUpdateSchema }, async ({ user, body, params }) => ({ user: await updateUser(user, params.id!, body) }));

export const DELETE = route({ roles: ["admin"] }, async ({ user, params }) => {
  await deleteUser(user, params.id!);
});
