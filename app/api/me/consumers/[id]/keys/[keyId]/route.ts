import { SELF_SERVICE_ROLES } from "@/lib/auth/roles";
import { revokeApiKey } from "@/lib/console/api-keys";
import { route } from "@/lib/console/route";

/** Revokes one of the caller's own keys; its row stays for the audit trail. */
export const DELETE = route({ roles: SELF_SERVICE_ROLES }, async ({ user, params }) => ({
  key: await revokeApiKey(user, { consumerId: params.id!, ownerUserId: user.id }, params.keyId!),
}));
