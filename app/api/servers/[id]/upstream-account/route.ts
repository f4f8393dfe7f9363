// The server's upstream account setting: how each user connects their own credential (lib/console/connections/manage.ts).
import { route } from "@/lib/console/route";
import { upstreamAccountWriteSchema } from "@/lib/console/connections/account";
import { saveUpstreamAccount } from "@/lib/console/connections/manage";

export const PUT = route({ roles: ["admin"], body: upstreamAccountWriteSchema }, ({ user, body, params }) => saveUpstreamAccount(user, params.id!, body));
