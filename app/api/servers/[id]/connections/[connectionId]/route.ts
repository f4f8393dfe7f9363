// An admin revokes one user's connection to this server.
import { revokeServerConnections } from "@/lib/console/connections/manage";
import { route } from "@/lib/console/route";

export const DELETE = route({ roles: ["admin"] }, ({ user, params }) => revokeServerConnections(user, params.id!, params.connectionId));
