// My keys: the same key functions as the admins' endpoints, scoped to a
// consumer the signed-in user owns (another consumer is "not found").
import { NextResponse } from "next/server";
import { ROLES, SELF_SERVICE_ROLES } from "@/lib/auth/roles";
import { issueApiKey, listConsumerKeys } from "@/lib/console/api-keys";
import { route } from "@/lib/console/route";
import { apiKeyInputSchema, apiKeyListQuerySchema } from "@/lib/console/schemas/api-key";
import { parseOrThrow } from "@/lib/console/validation";

export const GET = route({ roles: ROLES }, async ({ user, params, request }) =>
  listConsumerKeys({ consumerId: params.id!, ownerUserId: user.id }, parseOrThrow(apiKeyListQuerySchema, Object.fromEntries(request.nextUrl.searchParams))),
);

// The response carries the full key once: nothing on the way may keep a copy.
export const POST = route({ roles: SELF_SERVICE_ROLES, body: apiKeyInputSchema }, async ({ user, body, params }) =>
  NextResponse.json(await issueApiKey(user, { consumerId: params.id!, ownerUserId: user.id }, body), { headers: { "cache-control": "no-store" } }),
);
