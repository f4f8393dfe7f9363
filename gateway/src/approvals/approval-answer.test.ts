import { describe, expect, it } from "vitest";
import type { ApprovalAnswer } from "../../../lib/core/controlplane/protocol";
import { judgeApprovalAnswer } from "./approval-answer";

const now = new Date("2026-12-02T12:00:00.000Z");
const approval = {
  id: "apr_1",
  url: "https://console.example.com/approvals/apr_1",
  status: "pending" as const,
  requested_at: "2026-12-02T11:58:00.000Z",
  expires_at: "2026-12-02T12:13:00.000Z",
  decided_by: null,
  decided_at: null,
};
const judge = (answer: ApprovalAnswer, kind: "approve" | "confirm" = "approve") => judgeApprovalAnswer(answer, { tool: "merge_pull_request", kind }, now);

describe("judgeApprovalAnswer", () => {
  it("forwards an approved call, recording who approved, when, and how long it waited", () => {
    const outcome = judge({ decision: "approved", approval: { ...approval, status: "used", decided_by: "lead@example.com", decided_at: "2026-12-02T11:59:30.000Z" } });
    expect(outcome).toEqual({ forward: true, approval: { id: "apr_1", kind: "approve", by: "lead@example.com", at: "2026-12-02T11:59:30.000Z", waited_ms: 120_000 } });
  });

  it("tells a pending call where to approve it and until when", () => {
    const outcome = judge({ decision: "pending", approval });
    expect(outcome.forward).toBe(false);
    if (outcome.forward) return;
    expect(outcome.pending).toBe(true);
    expect(outcome.error.code).toBe("approval_required");
    expect(outcome.error.data).toEqual({ approval_id: "apr_1", approval_url: approval.url, expires_at: approval.expires_at });
    expect(outcome.error.message).toBe(
      "Tool 'merge_pull_request' needs approval: call it again with the same arguments once an approver approves it at https://console.example.com/approvals/apr_1 (before 2026-12-02T12:13:00.000Z)",
    );
    const confirm = judge({ decision: "pending", approval }, "confirm");
    expect(!confirm.forward && confirm.error.message).toMatch(/needs your confirmation: .* once you confirm it in the console at/);
  });

  it.each([
    ["approved", "used"],
    ["pending", "pending"],
  ] as const)("refuses an %s approval already past its expiry by the gateway's clock (clock skew included)", (decision, status) => {
    const outcome = judge({ decision, approval: { ...approval, status, expires_at: "2026-12-02T11:59:59.999Z" } });
    expect(outcome).toMatchObject({ forward: false, pending: false, error: { code: "approval_expired" } });
  });

  it("refuses a call the console created no approval for, its consumer's pending ones being at the cap", () => {
    const outcome = judge({ decision: "too_many_pending", waiting: 20, limit: 20 });
    expect(outcome).toMatchObject({
      forward: false,
      pending: false,
      error: {
        code: "approval_pending_limited",
        message: "Tool 'merge_pull_request' needs approval, and 20 of your calls to this server already wait for a person: call it again once one is decided",
        data: { limit: 20 },
      },
    });
    expect(!outcome.forward && outcome.error.httpStatus).toBe(429);
  });

  it("refuses a rejected call, naming who rejected it", () => {
    const outcome = judge({ decision: "rejected", approval: { ...approval, status: "rejected", decided_by: "lead@example.com", decided_at: "2026-12-02T11:59:00.000Z" } });
    expect(outcome).toMatchObject({ forward: false, error: { code: "approval_rejected", message: "Tool 'merge_pull_request' was not run: lead@example.com rejected the call" } });
  });
});
