import { SELF_SERVICE_ROLES } from "@/lib/auth/roles";
import { decideApproval } from "@/lib/console/approvals";
import { route } from "@/lib/console/route";

// Who may decide is the approval's business (lib/console/approval-policy.ts); viewers only look.
export const POST = route({ roles: SELF_SERVICE_ROLES }, async ({ user, params }) => ({ approval: await decideApproval(user, params.id!, "approve") }));
