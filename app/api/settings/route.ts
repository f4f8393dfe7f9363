import { route } from "@/lib/console/route";
import { selfServiceSettingsSchema } from "@/lib/console/schemas/settings";
import { readSelfServiceSettings, updateSelfServiceSettings } from "@/lib/console/settings";

export const GET = route({ roles: ["admin"] }, async () => readSelfServiceSettings());

export const PUT = route({ roles: ["admin"], body: selfServiceSettingsSchema }, async ({ user, body }) => updateSelfServiceSettings(user, body));
