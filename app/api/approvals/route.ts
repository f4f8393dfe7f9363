import { ROLES } from "@/lib/auth/roles";
import { APPROVAL_VIEWS, listApprovals, type ApprovalListView } from "@/lib/console/approvals";
import { ConsoleError } from "@/lib/console/errors";
import { route } from "@/lib/console/route";

export const GET = route({ roles: ROLES }, async ({ user, request }) => {
  const view = request.nextUrl.searchParams.get("view") ?? "pending";
  if (!APPROVAL_VIEWS.includes(view as ApprovalListView)) throw new ConsoleError("invalid", `view is one of ${APPROVAL_VIEWS.join(", ")}.`);
  return { approvals: await listApprovals(user, view as ApprovalListView) };
});
