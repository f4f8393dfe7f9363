import { deleteAuditSink } from "@/lib/console/audit-sinks";
import { route } from "@/lib/console/route";

export const DELETE = route({ roles: ["admin"] }, async ({ user, params }) => {
  await deleteAuditSink(user, params.id!);
});
