import type { CurrentUser } from "@/lib/auth/session";
import { plural } from "@/lib/client/plural";
import { countDecidableApprovals, showsApprovalsInbox } from "@/lib/console/approvals";
import { StatusTile } from "./status-tile";

/** Calls the gateways hold for this user's decision; nothing for users who never decide one. */
export async function PendingApprovalsTile({ user }: { user: CurrentUser }) {
  if (!(await showsApprovalsInbox(user))) return null;
  const waiting = await countDecidableApprovals(user);
  return (
    <StatusTile
      label="Pending approvals"
      value={waiting}
      detail={waiting === 0 ? "No tool call waits for your decision" : `${plural(waiting, "tool call")} held until you decide`}
      href="/approvals"
      tone={waiting === 0 ? "ok" : "warn"}
    />
  );
}
