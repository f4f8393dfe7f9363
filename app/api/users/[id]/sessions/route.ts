import { route } from "@/lib/console/route";
import { signOutEverywhere } from "@/lib/console/users";

/** An admin ends a user's console sessions (on every device). */
export const DELETE = route({ roles: ["admin"] }, async ({ user, params }) => {
  await signOutEverywhere(user, params.id!);
});
