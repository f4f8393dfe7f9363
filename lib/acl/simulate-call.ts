// One tools/call as the gateway judges it (gateway/src/pipeline/tool-access.ts):
// the name decision (decideToolAccess), then the deciding rule's condition on
// the call's arguments (evaluateCondition), an evaluation error refusing. The
// policy simulator and the condition editor's "try it" show this, so they
// answer with the gateway's own functions, not a second reading of the rules.
import { evaluateCondition, type ConditionInput, type ConditionOutcome } from "../core/acl/condition";
import { decideToolAccess, type Caller, type CompiledAcl } from "../core/acl/decide";

export type CallVerdict = "allowed" | "denied" | "not_allowed" | "condition_denied" | "condition_failed" | "condition_cost_exceeded";

export interface SimulatedCall {
  allowed: boolean;
  verdict: CallVerdict;
  /** "default", or the tool name of the rule that decided. */
  rule: string;
  /** The group, consumer or "*" the name decision matched. */
  subject?: string;
  /** The deciding rule's condition, when it judged this caller's call. */
  condition?: { effect: "allow" | "deny"; expression: string; message?: string; outcome: ConditionOutcome };
}

export type SimulatedCallInput = Omit<ConditionInput, "tool" | "consumer"> & { consumer: Caller & { custom_id?: string } };

export function simulateCall(acl: CompiledAcl, tool: string, input: SimulatedCallInput): SimulatedCall {
  const decision = decideToolAccess(acl, tool, input.consumer);
  if (!decision.allowed) return { allowed: false, verdict: decision.reason, rule: decision.rule, subject: decision.subject };
  if (decision.condition === undefined) return { allowed: true, verdict: "allowed", rule: decision.rule, subject: decision.subject };
  const { effect, condition, message } = decision.condition;
  const outcome = evaluateCondition(condition, { ...input, tool });
  const judged = { rule: decision.rule, subject: decision.subject, condition: { effect, expression: condition.expression, message, outcome } };
  if (!outcome.ok) return { allowed: false, verdict: outcome.costExceeded ? "condition_cost_exceeded" : "condition_failed", ...judged };
  const refused = effect === "allow" ? !outcome.holds : outcome.holds;
  return { allowed: !refused, verdict: refused ? "condition_denied" : "allowed", ...judged };
}
