import { route } from "@/lib/console/route";
import { saveServerRedaction } from "@/lib/console/rule-settings";
import { serverRedactionSchema } from "@/lib/console/schemas/rule-settings";

/** The server's result_redaction and audit_arguments. */
export const PUT = route({ roles: ["admin"], body: serverRedactionSchema }, async ({ user, body, params }) => saveServerRedaction(user, params.id!, body));
