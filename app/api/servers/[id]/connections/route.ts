// Who connected their own account to this server; DELETE revokes every connection.
import { listServerConnections, revokeServerConnections } from "@/lib/console/connections/manage";
import { route } from "@/lib/console/route";

export const GET = route({ roles: ["admin"] }, async ({ params }) => ({ connections: await listServerConnections(params.id!) }));
export const DELETE = route({ roles: ["admin"] }, ({ user, params }) => revokeServerConnections(user, params.id!));
