// The data plane's claim on a tool call's approval (DP_API.approvals): one POST
// to the console with the data-plane token, answered with the approval's
// decision. Anything short of a well-formed 200/201 within 5 s — the console
// down, a timeout, a redirect, another status, a body that does not parse —
// is `approval_unavailable`: the call is refused, never forwarded.
import { APPROVAL_CLAIM_MAX_BYTES, approvalAnswerSchema, DP_API, type ApprovalAnswer, type ApprovalClaim } from "../../../lib/core/controlplane/protocol";
import { GatewayError } from "../errors";

export const APPROVAL_TIMEOUT_MS = 5_000;
const MAX_ANSWER_BYTES = 64 * 1024;

export interface ApprovalClaims {
  claim(claim: ApprovalClaim): Promise<ApprovalAnswer>;
}

function unavailable(tool: string, detail: string): GatewayError {
  return new GatewayError("approval_unavailable", `Tool '${tool}' needs approval, and the console could not be asked: the call was not run`, detail);
}

export class ConsoleApprovalClient implements ApprovalClaims {
  constructor(private readonly options: { url: string; token: string; timeoutMs?: number }) {}

  async claim(claim: ApprovalClaim): Promise<ApprovalAnswer> {
    const body = JSON.stringify(claim);
    if (Buffer.byteLength(body) > APPROVAL_CLAIM_MAX_BYTES)
      throw new GatewayError("approval_unavailable", `Tool '${claim.tool}' needs approval, and its arguments are too large to show an approver`, "claim too large");
    let response: Response;
    try {
      response = await fetch(new URL(DP_API.approvals, this.options.url), {
        method: "POST",
        headers: { authorization: `Bearer ${this.options.token}`, "content-type": "application/json", accept: "application/json" },
        body,
        redirect: "error",
        signal: AbortSignal.timeout(this.options.timeoutMs ?? APPROVAL_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw unavailable(claim.tool, `${(error as Error).name}: ${cause ?? (error as Error).message}`);
    }
    if (response.status !== 200 && response.status !== 201) {
      await response.body?.cancel();
      throw unavailable(claim.tool, `the console answered ${response.status}`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw unavailable(claim.tool, `reading the answer: ${(error as Error).message}`);
    }
    if (text.length > MAX_ANSWER_BYTES) throw unavailable(claim.tool, "the answer is too large");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw unavailable(claim.tool, "the answer is not JSON");
    }
    const parsed = approvalAnswerSchema.safeParse(json);
    if (!parsed.success) throw unavailable(claim.tool, `invalid answer: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    return parsed.data;
  }
}
