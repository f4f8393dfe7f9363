// Who may decide a held tool call (docs/console.md#approvals). Pure, so every
// combination is tested in approval-policy.test.ts:
//   viewers: never (their role only looks);
//   kind confirm: only the caller (the console user whose consumer made the call) — not even an admin for them;
//   kind approve: an admin, or a user whose own consumer is in one of the approval's approver groups,
//                 but never the caller unless the rule says self_approval.
import type { Role } from "../auth/roles";

export interface Decider {
  role: Role;
  /** The decider owns the consumer that made the call. */
  isCaller: boolean;
  /** The groups of the consumers the decider owns. */
  groups: readonly string[];
}

export interface DecidedApproval {
  kind: "confirm" | "approve";
  approvers: readonly string[];
  selfApproval: boolean;
}

/** Why `decider` may not approve or reject `approval`, or undefined when they may. */
export function decisionRefusal(decider: Decider, approval: DecidedApproval): string | undefined {
  if (decider.role === "viewer") return "Viewers look, they do not decide: an admin or a developer decides calls.";
  if (approval.kind === "confirm") return decider.isCaller ? undefined : "Only the caller confirms their own call.";
  if (decider.isCaller && !approval.selfApproval) return "You made this call: someone else in an approver group decides it.";
  if (decider.role === "admin" || approval.approvers.some((group) => decider.groups.includes(group))) return undefined;
  return `Only admins and members of ${approval.approvers.map((g) => `"${g}"`).join(", ")} decide this call.`;
}

/** Admins see every call, the caller their own, deciders what they may decide. */
export function mayView(decider: Decider, approval: DecidedApproval): boolean {
  return decider.role === "admin" || decider.isCaller || decisionRefusal(decider, approval) === undefined;
}
