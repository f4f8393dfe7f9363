// A user disconnects one of their own upstream accounts (Connected accounts).
import { ROLES } from "@/lib/auth/roles";
import { disconnectMine } from "@/lib/console/connections/manage";
import { route } from "@/lib/console/route";

export const DELETE = route({ roles: ROLES }, ({ user, params }) => disconnectMine(user, params.id!));
