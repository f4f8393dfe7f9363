// The data plane's claim on a tool call's approval (DP_API.approvals): one POST
// to the console with the data-plane token, answered with the approval's
// decision (or, 429, its refusal to create another pending approval for the
// consumer: `too_many_pending`). Anything short of a well-formed 200/201/429
// within 5 s — the console down, a timeout, a redirect, another status, a body
// that does not parse — is `approval_unavailable`: the call is refused, never
// forwarded.
import { APPROVAL_CLAIM_MAX_BYTES, approvalAnswerSchema, DP_API, type ApprovalAnswer, type ApprovalClaim } from "../../../lib/core/controlplane/protocol";
import { GatewayError } from "../errors";
import { ConsoleRequestFailed, postToConsole, type ConsoleEndpoint } from "./console-request";

export const APPROVAL_TIMEOUT_MS = 5_000;

export interface ApprovalClaims {
  claim(claim: ApprovalClaim): Promise<ApprovalAnswer>;
}

export class ConsoleApprovalClient implements ApprovalClaims {
  constructor(private readonly options: ConsoleEndpoint & { timeoutMs?: number }) {}

  async claim(claim: ApprovalClaim): Promise<ApprovalAnswer> {
    const body = JSON.stringify(claim);
    if (Buffer.byteLength(body) > APPROVAL_CLAIM_MAX_BYTES)
      throw new GatewayError("approval_unavailable", `Tool '${claim.tool}' needs approval, and its arguments are too large to show an approver`, "claim too large");
    try {
      return await postToConsole(this.options, DP_API.approvals, body, {
        schema: approvalAnswerSchema,
        statuses: [200, 201, 429],
        timeoutMs: this.options.timeoutMs ?? APPROVAL_TIMEOUT_MS,
      });
    } catch (error) {
      if (!(error instanceof ConsoleRequestFailed)) throw error;
      throw new GatewayError("approval_unavailable", `Tool '${claim.tool}' needs approval, and the console could not be asked: the call was not run`, error.message);
    }
  }
}
