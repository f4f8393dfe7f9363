import { describe, expect, it } from "vitest";
import { decisionRefusal, mayView, type Decider } from "./approval-policy";

const approve = { kind: "approve" as const, approvers: ["platform"], selfApproval: false };
const selfApprove = { ...approve, selfApproval: true };
const confirm = { kind: "confirm" as const, approvers: [], selfApproval: true };

const admin: Decider = { role: "admin", isCaller: false, groups: [] };
const approver: Decider = { role: "developer", isCaller: false, groups: ["platform"] };
const stranger: Decider = { role: "developer", isCaller: false, groups: ["developer"] };
const callerApprover: Decider = { role: "developer", isCaller: true, groups: ["platform"] };
const callerAdmin: Decider = { role: "admin", isCaller: true, groups: [] };
const caller: Decider = { role: "developer", isCaller: true, groups: ["developer"] };

describe("who decides a held call", () => {
  it.each([
    ["an admin", admin, approve, true],
    ["a member of an approver group", approver, approve, true],
    ["a viewer in an approver group", { ...approver, role: "viewer" as const }, approve, false],
    ["someone outside the approver groups", stranger, approve, false],
    ["the caller, though an approver", callerApprover, approve, false],
    ["the caller, though an admin", callerAdmin, approve, false],
    ["the caller in an approver group, with self_approval", callerApprover, selfApprove, true],
    ["the caller outside the approver groups, with self_approval", caller, selfApprove, false],
    ["the caller, for a confirmation", caller, confirm, true],
    ["the caller, for a confirmation, as a viewer", { ...caller, role: "viewer" as const }, confirm, false],
    ["an admin, for someone else's confirmation", admin, confirm, false],
    ["an approver, for someone else's confirmation", approver, confirm, false],
  ])("%s: %s", (_, decider, approval, allowed) => {
    expect(decisionRefusal(decider, approval) === undefined).toBe(allowed);
  });

  it("says why in words the refused user understands", () => {
    expect(decisionRefusal(callerApprover, approve)).toBe("You made this call: someone else in an approver group decides it.");
    expect(decisionRefusal(stranger, approve)).toBe('Only admins and members of "platform" decide this call.');
    expect(decisionRefusal(admin, confirm)).toBe("Only the caller confirms their own call.");
  });

  it("shows admins every call, the caller their own call even when they may not decide it, and no one else's", () => {
    expect(mayView(admin, confirm)).toBe(true);
    expect(mayView(callerApprover, approve)).toBe(true);
    expect(mayView(stranger, approve)).toBe(false);
    expect(mayView(approver, confirm)).toBe(false);
  });
});
