// Which rate limits apply to a call: compiled once per configuration into a
// map subject → tool → rules, so a request only looks up its caller's names
// (username, groups, "*") × (the tool, "*"). Every matching rule applies; the
// limiter refuses when any one of them is spent. Tool names match as the ACL
// matches them (normaliseToolName): a caller who writes `CREATE_ISSUE` for an
// upstream that reads names loosely is charged to `create_issue`'s budget.
import { normaliseToolName, type Caller } from "../../../lib/core/acl/decide";
import type { LimitRuleConfig } from "../../../lib/core/config/schema";

export type WindowName = "per_minute" | "per_hour" | "per_day";

export const WINDOW_MS: Record<WindowName, number> = { per_minute: 60_000, per_hour: 3_600_000, per_day: 86_400_000 };

export interface LimitRule {
  /** Stable across reloads while the rule's subject and tool stay: counters survive a config change. */
  id: string;
  server: string;
  subject: string;
  tool: string;
  windows: { name: WindowName; quota: number; windowMs: number }[];
  concurrent: number | undefined;
}

export type CompiledLimits = ReadonlyMap<string, ReadonlyMap<string, LimitRule>>;

export function compileLimits(server: string, rules: readonly LimitRuleConfig[]): CompiledLimits {
  const bySubject = new Map<string, Map<string, LimitRule>>();
  for (const rule of rules) {
    const windows = (Object.keys(WINDOW_MS) as WindowName[]).flatMap((name) => (rule[name] === undefined ? [] : [{ name, quota: rule[name], windowMs: WINDOW_MS[name] }]));
    const compiled: LimitRule = { id: `${server}|${rule.subject}|${rule.tool}`, server, subject: rule.subject, tool: rule.tool, windows, concurrent: rule.concurrent };
    let byTool = bySubject.get(rule.subject);
    if (!byTool) bySubject.set(rule.subject, (byTool = new Map<string, LimitRule>()));
    byTool.set(rule.tool === "*" ? "*" : normaliseToolName(rule.tool), compiled);
  }
  return bySubject;
}

/** The rules that apply to `caller` calling `tool`; empty (and allocation-free) when the server has none. */
export function matchLimits(limits: CompiledLimits, caller: Caller, tool: string): LimitRule[] {
  if (limits.size === 0) return NONE;
  const matched: LimitRule[] = [];
  const name = normaliseToolName(tool);
  const add = (subject: string) => {
    const byTool = limits.get(subject);
    if (!byTool) return;
    for (const rule of [byTool.get(name), byTool.get("*")]) {
      // A group named like the consumer, or listed twice (token groups merged in), counts once.
      if (rule && !matched.includes(rule)) matched.push(rule);
    }
  };
  add(caller.username);
  for (const group of caller.groups) add(group);
  add("*");
  return matched;
}

const NONE: LimitRule[] = [];
