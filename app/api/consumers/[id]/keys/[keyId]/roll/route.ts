import { NextResponse } from "next/server";
import { rollApiKey } from "@/lib/console/api-keys";
import { route } from "@/lib/console/route";
import { apiKeyRollSchema } from "@/lib/console/schemas/api-key";

/** Issues a replacement key (shown once) and lets the old one work for the overlap only. */
export const POST = route({ roles: ["admin"], body: apiKeyRollSchema }, async ({ user, body, params }) =>
  NextResponse.json(await rollApiKey(user, { consumerId: params.id! }, params.keyId!, body), { headers: { "cache-control": "no-store" } }),
);
