// Tool and consumer names for the audit explorer's filter inputs. Every role
// may ask; a developer only hears names from their own consumers' events.
import { z } from "zod";
import { SUGGESTION_FIELDS } from "@/lib/analytics/audit-query";
import { ROLES } from "@/lib/auth/roles";
import { auditFilterOrThrow, auditFilterSuggestions, auditScopeFor } from "@/lib/console/audit-events";
import { route } from "@/lib/console/route";
import { parseOrThrow } from "@/lib/console/validation";

export const dynamic = "force-dynamic";

const suggestionSchema = z.object({
  field: z.enum(SUGGESTION_FIELDS, { error: "tool or consumer" }),
  q: z.string({ error: "type at least one character" }).trim().min(1, "type at least one character").max(256, "at most 256 characters"),
});

export const GET = route({ roles: ROLES }, async ({ request, user }) => {
  const params = request.nextUrl.searchParams;
  const { field, q } = parseOrThrow(suggestionSchema, { field: params.get("field") ?? undefined, q: params.get("q") ?? undefined });
  const filter = auditFilterOrThrow(params);
  return { suggestions: await auditFilterSuggestions(field, q, filter, await auditScopeFor(user)) };
});
