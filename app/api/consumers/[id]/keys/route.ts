import { NextResponse } from "next/server";
import { issueApiKey, listConsumerKeys } from "@/lib/console/api-keys";
import { route } from "@/lib/console/route";
import { apiKeyInputSchema, apiKeyListQuerySchema } from "@/lib/console/schemas/api-key";
import { parseOrThrow } from "@/lib/console/validation";

export const GET = route({ roles: ["admin"] }, async ({ params, request }) =>
  listConsumerKeys({ consumerId: params.id! }, parseOrThrow(apiKeyListQuerySchema, Object.fromEntries(request.nextUrl.searchParams))),
);

// The response carries the full key once: nothing on the way may keep a copy.
export const POST = route({ roles: ["admin"], body: apiKeyInputSchema }, async ({ user, body, params }) =>
  NextResponse.json(await issueApiKey(user, { consumerId: params.id! }, body), { headers: { "cache-control": "no-store" } }),
);
