// Who may call which tool, with Kong's ACL semantics:
// - a tool with a rule of its own under `acl.tools` is decided by that rule alone;
//   every other tool falls under `acl.default`;
// - within a rule, `deny` wins over `allow`, and a non-empty `allow` admits only
//   its subjects (an empty or absent `allow` admits everyone not denied);
// - subjects are consumer group names and consumer usernames; "*" names every
//   caller (so `deny: ["*"]` closes a tool to all, which an empty list cannot say).
// The gateway, the console's "My access" view and the policy simulator all call
// this one function.
// A rule may carry a CEL condition (lib/core/acl/condition.ts); the name decision
// here stays the whole answer for tools/list, and an allowed decision hands the
// condition to the caller, which judges the call's arguments with it. It hands
// over the rule's `require` block the same way (lib/core/approvals/requirement.ts).
import { DEFAULT_RULE_NAME } from "../approvals/call-hash";
import { compileRequirement, type CompiledRequirement } from "../approvals/requirement";
import type { AclConfig, AclRuleConfig } from "../config/schema";
import { compileCondition, type CompiledCondition } from "./condition";
import { EVERYONE, matchingSubject, type Caller } from "./subjects";

export { EVERYONE, type Caller };

interface CompiledRule {
  /** "default", or the tool name the rule was written for. */
  source: string;
  allow: ReadonlySet<string>;
  deny: ReadonlySet<string>;
  condition?: RuleCondition;
  requirement?: CompiledRequirement;
}

/** `allow`: an admitted call must satisfy the condition. `deny`: a call by one of `subjects` is refused when it holds. */
export interface RuleCondition {
  effect: "allow" | "deny";
  condition: CompiledCondition;
  subjects: ReadonlySet<string>;
  message?: string;
}

export interface CompiledAcl {
  default: CompiledRule;
  /** Keyed by the normalised tool name (see normaliseToolName). */
  tools: ReadonlyMap<string, CompiledRule>;
}

export type AclDecision =
  | { allowed: true; rule: string; subject?: string; condition?: RuleCondition; requirement?: CompiledRequirement }
  | { allowed: false; rule: string; reason: "denied" | "not_allowed"; subject?: string };

/**
 * The form of a tool name that rules are matched on. Upstreams differ in how
 * strictly they match names, so a rule for `push_files` must also catch
 * `PUSH_FILES` or a full-width look-alike: compare on the NFKC case-folded form.
 */
export function normaliseToolName(name: string): string {
  return name.normalize("NFKC").toLowerCase();
}

function compileRule(source: string, rule: AclRuleConfig): CompiledRule {
  const allow = new Set(rule.allow ?? []);
  const deny = new Set(rule.deny ?? []);
  const requirement = rule.require && compileRequirement(source === "default" ? DEFAULT_RULE_NAME : source, rule.require);
  if (rule.when === undefined) return { source, allow, deny, requirement };
  const compiled = compileCondition(rule.when);
  // The schema refuses a condition that does not compile; reaching this is a bug, not a config problem.
  if (!compiled.ok) throw new Error(`rule '${source}': ${compiled.problem}`);
  const condition = { condition: compiled.condition, message: rule.message };
  // A conditional deny refuses nobody by name: whom it names are judged per call.
  if (deny.size > 0 && allow.size === 0) return { source, allow, deny: new Set(), condition: { ...condition, effect: "deny", subjects: deny }, requirement };
  return { source, allow, deny, condition: { ...condition, effect: "allow", subjects: allow }, requirement };
}

export function compileAcl(acl: AclConfig): CompiledAcl {
  return {
    default: compileRule("default", acl.default),
    tools: new Map(acl.tools.map((rule) => [normaliseToolName(rule.name), compileRule(rule.name, rule)])),
  };
}

export function decideToolAccess(acl: CompiledAcl, toolName: string, caller: Caller): AclDecision {
  const rule = acl.tools.get(normaliseToolName(toolName)) ?? acl.default;
  const denied = matchingSubject(caller, rule.deny);
  if (denied !== undefined) return { allowed: false, rule: rule.source, reason: "denied", subject: denied };
  const condition = rule.condition?.effect === "deny" && matchingSubject(caller, rule.condition.subjects) === undefined ? undefined : rule.condition;
  const { requirement } = rule;
  if (rule.allow.size === 0) return { allowed: true, rule: rule.source, condition, requirement };
  const admitted = matchingSubject(caller, rule.allow);
  if (admitted !== undefined) return { allowed: true, rule: rule.source, subject: admitted, condition, requirement };
  return { allowed: false, rule: rule.source, reason: "not_allowed" };
}

/** "Tool 'push_files' is not available for consumer group 'developer'" — the JSON-RPC message of a denied call. */
export function describeDenial(toolName: string, caller: Caller, decision: Extract<AclDecision, { allowed: false }>): string {
  const subject = decision.subject === EVERYONE || decision.subject === undefined ? caller.groups[0] : decision.subject;
  if (subject === undefined || subject === caller.username) return `Tool '${toolName}' is not available for consumer '${caller.username}'`;
  return `Tool '${toolName}' is not available for consumer group '${subject}'`;
}
