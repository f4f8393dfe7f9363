import { route } from "@/lib/console/route";
import { readSecretPatterns, saveSecretPatterns } from "@/lib/console/rule-settings";
import { secretPatternsSchema } from "@/lib/console/schemas/rule-settings";

export const GET = route({ roles: ["admin"] }, async () => ({ patterns: await readSecretPatterns() }));

/** Replaces the list of credential formats result redaction masks besides the built-in ones. */
export const PUT = route({ roles: ["admin"], body: secretPatternsSchema }, async ({ user, body }) => saveSecretPatterns(user, body));
