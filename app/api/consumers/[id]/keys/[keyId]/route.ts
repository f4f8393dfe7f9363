import { revokeApiKey } from "@/lib/console/api-keys";
import { route } from "@/lib/console/route";

/** Revokes the key; its row stays for the audit trail. */
export const DELETE = route({ roles: ["admin"] }, async ({ user, params }) => ({ key: await revokeApiKey(user, { consumerId: params.id! }, params.keyId!) }));
