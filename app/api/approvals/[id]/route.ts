import { ROLES } from "@/lib/auth/roles";
import { getApproval } from "@/lib/console/approvals";
import { route } from "@/lib/console/route";

export const GET = route({ roles: ROLES }, async ({ user, params }) => ({ approval: await getApproval(user, params.id!) }));
