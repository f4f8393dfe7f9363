import { listActivity } from "@/lib/console/activity-log";
import { route } from "@/lib/console/route";
import { activityFilterSchema } from "@/lib/console/schemas/activity";
import { parseOrThrow } from "@/lib/console/validation";

export const GET = route({ roles: ["admin"] }, async ({ request }) => listActivity(parseOrThrow(activityFilterSchema, Object.fromEntries(request.nextUrl.searchParams))));
