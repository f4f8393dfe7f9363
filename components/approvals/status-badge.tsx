import type { ApprovalRow } from "@/lib/console/approvals";
import { Badge } from "../ui/badge";

const TONE = { pending: "amber", approved: "green", used: "green", rejected: "red", expired: "neutral", void: "neutral" } as const;
const LABEL = { pending: "waiting", approved: "approved", used: "approved, forwarded", rejected: "rejected", expired: "expired", void: "void (rule changed)" } as const;

export function ApprovalStatusBadge({ status }: { status: ApprovalRow["status"] }) {
  return <Badge tone={TONE[status]}>{LABEL[status]}</Badge>;
}

export function KindBadge({ kind }: { kind: ApprovalRow["kind"] }) {
  return <Badge tone="indigo">{kind === "confirm" ? "caller confirms" : "approval"}</Badge>;
}
