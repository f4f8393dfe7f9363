import { NextResponse } from "next/server";
import { SELF_SERVICE_ROLES } from "@/lib/auth/roles";
import { rollApiKey } from "@/lib/console/api-keys";
import { route } from "@/lib/console/route";
import { apiKeyRollSchema } from "@/lib/console/schemas/api-key";

/** Issues a replacement for one of the caller's own keys (shown once); the old one works for the overlap only. */
export const POST = route({ roles: SELF_SERVICE_ROLES, body: apiKeyRollSchema }, async ({ user, body, params }) =>
  NextResponse.json(await rollApiKey(user, { consumerId: params.id!, ownerUserId: user.id }, params.keyId!, body), { headers: { "cache-control": "no-store" } }),
);
