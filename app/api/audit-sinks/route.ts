import { createAuditSink, listAuditSinks } from "@/lib/console/audit-sinks";
import { route } from "@/lib/console/route";
import { auditSinkCreateSchema } from "@/lib/console/schemas/audit-sink";

export const GET = route({ roles: ["admin"] }, async () => listAuditSinks());

export const POST = route({ roles: ["admin"], body: auditSinkCreateSchema }, async ({ user, body }) => createAuditSink(user, body));
