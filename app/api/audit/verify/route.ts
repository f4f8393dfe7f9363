// Verify in the audit explorer: the hash chains over the filter's time window,
// checked on the server by the verifier `npm run audit:verify` uses. Admins only.
import { auditFilterOrThrow, verifyAuditWindow } from "@/lib/console/audit-events";
import { route } from "@/lib/console/route";

export const dynamic = "force-dynamic";

export const GET = route({ roles: ["admin"] }, async ({ request }) => verifyAuditWindow(auditFilterOrThrow(request.nextUrl.searchParams)));
