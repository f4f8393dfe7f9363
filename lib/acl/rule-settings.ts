// What the console stores beside the access matrix for each rule — a CEL
// condition and, per tool, the argument paths to redact — and how a server's
// matrix and those settings compile into the config's `acl` (the gateway's
// semantics, lib/core/acl/decide.ts):
//
// - an allow-condition: the callers the row admits are admitted only when it
//   holds. Compiled onto the row's names with `allow` made explicit (`["*"]`
//   when the row admits everyone not denied), because the gateway reads a
//   conditional rule with `deny` alone as a deny-condition;
// - a deny-condition: the callers the row denies are refused only when it
//   holds. The gateway can say this only for a row that admits everyone it
//   does not deny (`deny` alone), so any other row is a problem the console
//   refuses to save; compiled anyway (a bug, or a state written around the
//   checks), it keeps the row's names without the condition: fail closed.
//
// A tool row with no cells of its own but a condition or redacted arguments
// needs a rule of its own in the config, and a tool rule replaces the default
// for that tool: so it gets the default row's names (and the default's
// condition, if it has none of its own), deciding exactly as before.
import type { AclConfig, AclRuleConfig } from "../core/config/schema";
import { EVERYONE } from "../core/acl/decide";
import { DEFAULT_ROW, hasOwnRule, rowOf, ruleFor, type AclMatrix, type Effect } from "./matrix";

export interface StoredCondition {
  effect: Effect;
  expression: string;
  message?: string | null;
}

export interface RuleSettings {
  /** Tool name (DEFAULT_ROW for the default rule) → its condition. */
  conditions: Record<string, StoredCondition>;
  /** Tool name → argument paths recorded as a hash. */
  redactions: Record<string, readonly string[]>;
}

export const NO_RULE_SETTINGS: RuleSettings = { conditions: {}, redactions: {} };

/** Why a condition cannot go on a rule with these names; undefined when it can. */
export function conditionProblem(names: AclRuleConfig, effect: Effect): string | undefined {
  const denies = (names.deny?.length ?? 0) > 0;
  if (effect === "allow") {
    return names.deny?.includes(EVERYONE) ? "this rule denies everyone, so an allow-condition would admit no one: allow some callers in the row first" : undefined;
  }
  if (names.allow !== undefined && names.allow.length > 0) {
    return "a deny-condition needs a row whose everyone else is allowed (it refuses the row's denied callers only when it holds): set everyone else to allow, or use an allow-condition";
  }
  return denies ? undefined : "this rule denies no one, so a deny-condition would refuse no one: deny some callers in the row first";
}

export function withCondition(names: AclRuleConfig, condition: StoredCondition | undefined): AclRuleConfig {
  if (condition === undefined || conditionProblem(names, condition.effect) !== undefined) return names;
  const when = { when: condition.expression, ...(condition.message ? { message: condition.message } : {}) };
  if (condition.effect === "deny") return { deny: names.deny, ...when };
  const allow = names.allow ?? (names.deny ? [EVERYONE] : undefined);
  return { ...(allow ? { allow } : {}), ...(names.deny ? { deny: names.deny } : {}), ...when };
}

/** The rows whose condition does not fit their names, with why. */
export function conditionProblems(matrix: AclMatrix, settings: RuleSettings): { tool: string; problem: string }[] {
  return Object.entries(settings.conditions).flatMap(([tool, condition]) => {
    const own = tool === DEFAULT_ROW || hasOwnRule(rowOf(matrix, tool));
    const problem = conditionProblem(ruleFor(matrix, own ? tool : DEFAULT_ROW), condition.effect);
    return problem === undefined ? [] : [{ tool, problem }];
  });
}

/** The matrix and its rule settings as the config file's `acl` (tools sorted by name, for stable output). */
export function aclOf(matrix: AclMatrix, settings: RuleSettings = NO_RULE_SETTINGS): AclConfig {
  const defaultCondition = settings.conditions[DEFAULT_ROW];
  const tools = [...new Set([...Object.keys(matrix.tools), ...Object.keys(settings.conditions), ...Object.keys(settings.redactions)])]
    .filter((tool) => tool !== DEFAULT_ROW)
    .filter((tool) => hasOwnRule(rowOf(matrix, tool)) || settings.conditions[tool] || settings.redactions[tool]?.length)
    .sort()
    .map((name) => {
      const own = hasOwnRule(rowOf(matrix, name));
      const names = ruleFor(matrix, own ? name : DEFAULT_ROW);
      const redact = settings.redactions[name];
      return { name, ...withCondition(names, settings.conditions[name] ?? (own ? undefined : defaultCondition)), ...(redact?.length ? { redact_args: [...redact] } : {}) };
    });
  return { default: withCondition(ruleFor(matrix, DEFAULT_ROW), defaultCondition), tools };
}
