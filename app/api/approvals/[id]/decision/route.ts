import { ROLES } from "@/lib/auth/roles";
import { decideApproval } from "@/lib/console/approvals";
import { route } from "@/lib/console/route";
import { approvalDecisionSchema } from "@/lib/console/schemas/approvals";

// Who may decide is the approval's business (lib/console/approval-policy.ts), not the role's.
export const POST = route({ roles: ROLES, body: approvalDecisionSchema }, async ({ user, params, body }) => ({
  approval: await decideApproval(user, params.id!, body.decision),
}));
