// Per-tool access on the request side: a denied tools/call is answered by the
// gateway and never reaches the upstream. Decisions come from lib/core/acl (the
// one ACL function), then the deciding rule's CEL condition, if it has one, is
// judged on the call's arguments; tools/list results are filtered by name only
// in tools-list-filter.ts. An allowed call whose rule `require`s a person's
// confirmation or approval is handed to pipeline/human-step.ts.
import { decideToolAccess, describeDenial, type Caller, type CompiledAcl, type RuleCondition } from "../../../lib/core/acl/decide";
import { evaluateCondition } from "../../../lib/core/acl/condition";
import { decideRequirement, type CompiledRequirement } from "../../../lib/core/approvals/requirement";
import { GatewayError } from "../errors";
import type { JsonRpcMessage, ParsedBody } from "../jsonrpc/message";

const NO_CLAIMS: Record<string, unknown> = Object.freeze({});

/** Refuses a call whose rule's condition does not admit it; an evaluation error refuses it too. */
function judgeCondition(
  rule: string,
  ruleCondition: RuleCondition,
  call: { tool: string; args: Record<string, unknown>; server: string; caller: Caller & { customId?: string }; claims: Record<string, unknown> },
): GatewayError | undefined {
  const outcome = evaluateCondition(ruleCondition.condition, {
    args: call.args,
    consumer: { username: call.caller.username, custom_id: call.caller.customId, groups: call.caller.groups },
    claims: call.claims,
    server: call.server,
    tool: call.tool,
    now: new Date(),
  });
  const data = { rule };
  if (!outcome.ok && outcome.costExceeded)
    return new GatewayError(
      "condition_cost_exceeded",
      `Tool '${call.tool}' was refused: the arguments are too large for the condition of rule '${rule}'`,
      `rule '${rule}': ${outcome.error}`,
    ).withData(data);
  if (!outcome.ok)
    return new GatewayError(
      "condition_failed",
      `Tool '${call.tool}' was refused: the condition of rule '${rule}' could not be evaluated on these arguments`,
      `rule '${rule}': ${outcome.error}`,
    ).withData(data);
  const refused = ruleCondition.effect === "allow" ? !outcome.holds : outcome.holds;
  if (!refused) return undefined;
  const message = ruleCondition.message ?? `Tool '${call.tool}' is not available with these arguments`;
  return new GatewayError("condition_denied", message, `rule '${rule}': ${ruleCondition.effect} condition ${outcome.holds}`).withData(data);
}

/** An allowed tools/call that its rule's `require` holds until a person confirms or approves it. */
export interface HeldCall {
  message: Extract<JsonRpcMessage, { kind: "request" }>;
  tool: string;
  args: Record<string, unknown>;
  requirement: CompiledRequirement;
  /** `require.when` could not be evaluated on these arguments, so the step is required. */
  conditionError?: string;
}

export interface ToolCallsDecision {
  /** The rule that decided the (last) call, for traces. */
  rule: string | undefined;
  held: HeldCall | undefined;
}

/**
 * Decides every tools/call in the body. A single denied call becomes a
 * JSON-RPC error for its id; in a batch (2025-03-26), one denied call refuses
 * the whole batch, so an upstream never runs part of a batch the caller saw refused.
 * An allowed call that needs a human step is handed back; inside a batch it is
 * refused, since the step answers one call at a time.
 */
export function decideToolCalls(
  acl: CompiledAcl,
  caller: Caller & { customId?: string },
  body: ParsedBody,
  server: string,
  claims: Record<string, unknown> = NO_CLAIMS,
  now = new Date(),
): ToolCallsDecision {
  let rule: string | undefined;
  let held: HeldCall | undefined;
  for (const message of body.messages) {
    if (message.kind !== "request" || message.method !== "tools/call") continue;
    const tool = message.params!.name as string;
    const decision = decideToolAccess(acl, tool, caller);
    rule = decision.rule;
    const args = (message.params!.arguments ?? {}) as Record<string, unknown>;
    const error = !decision.allowed
      ? new GatewayError("tool_denied", describeDenial(tool, caller, decision), `rule '${decision.rule}': ${decision.reason}`)
      : decision.condition && judgeCondition(decision.rule, decision.condition, { tool, args, server, caller, claims });
    if (error) throw error.withRule(decision.rule).withId(body.batch ? null : message.id);
    if (!decision.allowed || decision.requirement === undefined) continue;
    const needed = decideRequirement(decision.requirement, {
      args,
      consumer: { username: caller.username, custom_id: caller.customId, groups: caller.groups },
      claims,
      server,
      tool,
      now,
    });
    if (!needed.required) continue;
    if (body.batch)
      throw new GatewayError(
        "approval_unavailable",
        `Tool '${tool}' needs ${needed.requirement.action === "confirm" ? "confirmation" : "approval"} and cannot be called inside a JSON-RPC batch: send it alone`,
        `rule '${decision.rule}': require in a batch`,
      ).withRule(decision.rule);
    held = { message, tool, args, requirement: needed.requirement, conditionError: needed.conditionError };
  }
  return { rule, held };
}
