import { revokeDataPlane } from "@/lib/console/data-planes";
import { route } from "@/lib/console/route";

export const DELETE = route({ roles: ["admin"] }, async ({ user, params }) => {
  await revokeDataPlane(user, params.id!);
});
