import { route } from "@/lib/console/route";
import { preRegisteredClientSchema } from "@/lib/console/schemas/oauth-client";
import { listOAuthClients, preRegisterClient } from "@/lib/oauth-server/clients";

export const GET = route({ roles: ["admin"] }, async () => ({ clients: await listOAuthClients() }));

/** Pre-registers a public client; its client_id is what the user configures in their MCP client. */
export const POST = route({ roles: ["admin"], body: preRegisteredClientSchema }, async ({ user, body }) => preRegisterClient(user, body));
