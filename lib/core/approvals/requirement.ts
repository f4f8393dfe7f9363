// A rule's `require` block, compiled once per configuration, and the pure
// decision of whether an allowed call needs a human step (docs/gateway.md,
// "Confirmation and approval"): only when the caller is named by `for` and
// `when` holds. A `when` that cannot be evaluated on the call counts as
// holding: a condition that fails must never let a call skip the step.
import { compileCondition, evaluateCondition, type CompiledCondition, type ConditionInput } from "../acl/condition";
import { matchingSubject } from "../acl/subjects";
import type { ToolRequirementConfig } from "../config/schema";
import { ruleHash } from "./call-hash";

export interface CompiledRequirement {
  /** The tool rule's name, or DEFAULT_RULE_NAME. */
  rule: string;
  /** lib/core/approvals/call-hash.ts `ruleHash`: approvals are bound to it. */
  ruleHash: string;
  action: "confirm" | "approve";
  for: ReadonlySet<string>;
  condition?: CompiledCondition;
  approvers: readonly string[];
  selfApproval: boolean;
  expiresSeconds: number;
  waitSeconds: number;
}

export function compileRequirement(rule: string, require: ToolRequirementConfig): CompiledRequirement {
  let condition: CompiledCondition | undefined;
  if (require.when !== undefined) {
    const compiled = compileCondition(require.when);
    // The schema refuses a condition that does not compile; reaching this is a bug, not a config problem.
    if (!compiled.ok) throw new Error(`rule '${rule}' require.when: ${compiled.problem}`);
    condition = compiled.condition;
  }
  return {
    rule,
    ruleHash: ruleHash(rule, require),
    action: require.action,
    for: new Set(require.for),
    condition,
    approvers: require.approvers ?? [],
    selfApproval: require.self_approval,
    expiresSeconds: require.expires_seconds,
    waitSeconds: require.wait_seconds,
  };
}

export type RequirementDecision =
  | { required: false }
  /** `conditionError`: `when` could not be evaluated, so the step is required (fail closed). */
  | { required: true; requirement: CompiledRequirement; conditionError?: string };

const NOT_REQUIRED: RequirementDecision = { required: false };

/** Whether an allowed call (`input`: its caller, arguments and claims) needs the rule's human step. */
export function decideRequirement(requirement: CompiledRequirement | undefined, input: ConditionInput): RequirementDecision {
  if (requirement === undefined) return NOT_REQUIRED;
  if (matchingSubject(input.consumer, requirement.for) === undefined) return NOT_REQUIRED;
  if (requirement.condition === undefined) return { required: true, requirement };
  const outcome = evaluateCondition(requirement.condition, input);
  if (!outcome.ok) return { required: true, requirement, conditionError: outcome.error };
  return outcome.holds ? { required: true, requirement } : NOT_REQUIRED;
}
