// Confirmation asked of the caller inside the MCP exchange itself, for clients
// of 2026-07-28 that declared form elicitation (basic/patterns/mrtr and
// client/elicitation): the gateway answers the tools/call with an
// `input_required` result holding one form elicitation and its own signed
// requestState; the client shows the form, then retries the same tools/call
// with `inputResponses` and the requestState. The retry is forwarded only when
// the state is the gateway's, unexpired, unused, issued for this very call (its
// hash: server, tool, consumer, canonical arguments) under the same rule, and
// the answer is an accept with the box ticked. What the gateway added is taken
// out before the call goes upstream.
import { GatewayError } from "../errors";
import { STATELESS_SINCE } from "../jsonrpc/protocol-version";
import type { ConfirmationPayload, ConfirmationStates } from "./confirmation-state";

/** The key of the gateway's request in inputRequests/inputResponses: apart from any key the upstream uses. */
export const CONFIRM_INPUT_KEY = "portcullis_confirm";
const CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";

const MAX_SHOWN_ARGUMENTS = 20;
const MAX_SHOWN_VALUE = 200;

/** The elicitation modes a 2026-07-28 request declares in its `_meta` (an empty `elicitation` object means form, as in 2025-11-25). */
export function elicitationModes(protocolVersion: string, params: Record<string, unknown>): { form: boolean; url: boolean } {
  const none = { form: false, url: false };
  if (protocolVersion < STATELESS_SINCE) return none;
  const meta = params._meta as Record<string, unknown> | undefined;
  const capabilities = meta?.[CAPABILITIES] as Record<string, unknown> | undefined;
  const elicitation = capabilities?.elicitation;
  if (!isObject(elicitation)) return none;
  return { form: "form" in elicitation || !("url" in elicitation), url: "url" in elicitation };
}

/** A 2026-07-28 client that declared form elicitation. */
export function canConfirmInBand(protocolVersion: string, params: Record<string, unknown>): boolean {
  return elicitationModes(protocolVersion, params).form;
}

/** The call in plain words: the tool, the server, each argument with its value (long ones cut). */
export function describeCall(server: string, tool: string, args: Record<string, unknown>): string {
  const entries = Object.entries(args);
  const lines = entries.slice(0, MAX_SHOWN_ARGUMENTS).map(([name, value]) => {
    const text = JSON.stringify(value) ?? "null";
    return `  ${name}: ${text.length > MAX_SHOWN_VALUE ? `${text.slice(0, MAX_SHOWN_VALUE)}…` : text}`;
  });
  if (entries.length > MAX_SHOWN_ARGUMENTS) lines.push(`  … and ${entries.length - MAX_SHOWN_ARGUMENTS} more`);
  const subject = `Run the tool "${tool}" on the server "${server}"`;
  return entries.length === 0 ? `${subject} with no arguments?` : `${subject} with these arguments?\n${lines.join("\n")}`;
}

/** The gateway's answer to the call: an InputRequiredResult with one form elicitation. */
export function confirmationRequest(server: string, tool: string, args: Record<string, unknown>, requestState: string) {
  return {
    resultType: "input_required",
    inputRequests: {
      [CONFIRM_INPUT_KEY]: {
        method: "elicitation/create",
        params: {
          mode: "form",
          message: describeCall(server, tool, args),
          requestedSchema: {
            type: "object",
            properties: { confirm: { type: "boolean", title: `Run ${tool}`, description: "Tick to let this exact call run once" } },
            required: ["confirm"],
          },
        },
      },
    },
    requestState,
  };
}

export type RetryJudgement =
  /** Ask (again): no answer of the gateway's yet. The upstream's own state and answers, if the client sent them, ride along. */
  | { kind: "ask"; upstreamState?: string; upstreamResponses?: Record<string, unknown> }
  /** Forward with these params: the gateway's answer and state removed, the upstream's handed back. */
  | { kind: "confirmed"; params: Record<string, unknown>; payload: ConfirmationPayload; state: string };

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The params that go upstream: without inputResponses and requestState, or with the upstream's own put back. */
export function forwardedParams(params: Record<string, unknown>, payload: Pick<ConfirmationPayload, "upstreamState" | "upstreamResponses">): Record<string, unknown> {
  const { inputResponses: _answers, requestState: _state, ...rest } = params;
  if (payload.upstreamResponses !== undefined) rest.inputResponses = payload.upstreamResponses;
  if (payload.upstreamState !== undefined) rest.requestState = payload.upstreamState;
  return rest;
}

/**
 * Judges a tools/call that may carry the answer to the gateway's confirmation request.
 * Throws the refusal (declined, mismatched, forged, expired, reused); an accepted state is used up.
 */
export function judgeConfirmationRetry(
  call: { tool: string; params: Record<string, unknown>; callHash: string; ruleHash: string; consumer: string },
  states: ConfirmationStates,
  now: number,
): RetryJudgement {
  const { params, tool } = call;
  const presented = params.requestState;
  const check = states.check(presented, now);
  if (check.kind === "foreign") {
    const others = isObject(params.inputResponses) ? params.inputResponses : undefined;
    return { kind: "ask", upstreamState: typeof presented === "string" ? presented : undefined, upstreamResponses: others };
  }
  if (check.kind === "invalid")
    throw new GatewayError("confirmation_invalid", `Tool '${tool}' was not run: the confirmation's requestState was not issued by this gateway`, "requestState MAC mismatch");
  if (check.kind === "expired")
    throw new GatewayError("confirmation_expired", `Tool '${tool}' was not run: the confirmation expired; call it again to be asked anew`, "requestState expired");
  const { payload } = check;
  if (payload.callHash !== call.callHash || payload.ruleHash !== call.ruleHash)
    throw new GatewayError(
      "confirmation_mismatch",
      `Tool '${tool}' was not run: the confirmation was given for a different call; call it again to confirm these arguments`,
      payload.callHash !== call.callHash ? "call hash differs" : "rule changed",
    );
  const answer = isObject(params.inputResponses) ? params.inputResponses[CONFIRM_INPUT_KEY] : undefined;
  if (!isObject(answer)) return { kind: "ask", upstreamState: payload.upstreamState, upstreamResponses: payload.upstreamResponses };
  const content = answer.content;
  if (answer.action !== "accept" || !isObject(content) || content.confirm !== true)
    throw new GatewayError(
      "confirmation_declined",
      `Tool '${tool}' was not run: the call was not confirmed`,
      `answer ${typeof answer.action === "string" ? answer.action.slice(0, 16) : "without action"}`,
    );
  if (!states.consume(presented as string, payload.expiresAt, now, call.consumer))
    throw new GatewayError("confirmation_used", `Tool '${tool}' was not run: this confirmation was already used; call it again to be asked anew`, "requestState reused");
  return { kind: "confirmed", params: forwardedParams(params, payload), payload, state: presented as string };
}
