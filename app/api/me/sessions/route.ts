import { ROLES } from "@/lib/auth/roles";
import { route } from "@/lib/console/route";
import { signOutEverywhere } from "@/lib/console/users";

/** "Sign out everywhere": ends all of the caller's console sessions, this one included. */
export const DELETE = route({ roles: ROLES }, async ({ user }) => {
  await signOutEverywhere(user, user.id);
});
