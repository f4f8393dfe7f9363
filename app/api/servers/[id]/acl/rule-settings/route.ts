import { route } from "@/lib/console/route";
import { saveRuleSettings } from "@/lib/console/rule-settings";
import { saveRuleSettingsSchema } from "@/lib/console/schemas/rule-settings";

/** Sets (or clears, with `condition: null`) one rule's condition and a tool's redacted argument paths; refused with field errors if the gateways would not accept the result. */
export const PUT = route({ roles: ["admin"], body: saveRuleSettingsSchema }, async ({ user, body, params }) => saveRuleSettings(user, params.id!, body));
