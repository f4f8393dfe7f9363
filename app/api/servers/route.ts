import { route } from "@/lib/console/route";
import { serverCreateSchema } from "@/lib/console/schemas/server";
import { createServer, listServers } from "@/lib/console/servers";

export const GET = route({ roles: ["admin"] }, async () => ({ servers: await listServers() }));

export const POST = route({ roles: ["admin"], body: serverCreateSchema }, async ({ user, body }) => ({ server: await createServer(user, body) }));
