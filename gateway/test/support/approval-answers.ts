// What a console answers a gateway's approval claim, for tests that script the console in process.
import type { ApprovalAnswer } from "../../../lib/core/controlplane/protocol";

/** An approval answer: approved (and used by this call) or still pending, under approval id `id`. */
export function approvalAnswer(id: string, approved: boolean): ApprovalAnswer {
  const now = new Date().toISOString();
  return {
    decision: approved ? "approved" : "pending",
    approval: {
      id,
      url: `https://console.example.com/approvals/${id}`,
      status: approved ? "used" : "pending",
      expires_at: new Date(Date.now() + 600_000).toISOString(),
      requested_at: now,
      decided_by: approved ? "boss" : null,
      decided_at: approved ? now : null,
    },
  };
}
