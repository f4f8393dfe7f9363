import { createConsumer, listConsumers } from "@/lib/console/consumers";
import { route } from "@/lib/console/route";
import { consumerInputSchema, consumerListQuerySchema } from "@/lib/console/schemas/consumer";
import { parseOrThrow } from "@/lib/console/validation";

export const GET = route({ roles: ["admin"] }, async ({ request }) => listConsumers(parseOrThrow(consumerListQuerySchema, Object.fromEntries(request.nextUrl.searchParams))));

export const POST = route({ roles: ["admin"], body: consumerInputSchema }, async ({ user, body }) => ({ consumer: await createConsumer(user, body) }));
