// The console's tool access matrix and how it maps onto the config's ACL
// rules (lib/core/acl/decide.ts). The matrix is what admins edit:
//
//   rows    = the server default ("*", every tool without a rule of its own) and one row per tool
//   columns = consumer groups, plus "others" (callers that no group cell names)
//   cells   = allow | deny | inherit
//
// Inheritance, for a tool row:  a group's inherit cell takes the default row's
// cell for that group; "others" inherit takes the default row's others; an
// inherit in the default row resolves to its others, whose inherit is "allow"
// (an empty rule admits everyone). A caller in several groups is denied if any
// of its groups is denied (deny wins), else allowed if any is allowed; a caller
// in none of the matrix's groups gets the row's others decision.
//
// A tool row whose cells are all inherit has no rule of its own: it compiles to
// nothing, so the config's `acl.default` decides it, exactly like the matrix.
// Any other row compiles to one Kong rule that gives the same decision for
// every possible caller (property-tested in matrix.test.ts).
import type { AclConfig, AclRuleConfig } from "../core/config/schema";
import { EVERYONE } from "../core/acl/decide";

export type Cell = "allow" | "deny" | "inherit";
export type Effect = Exclude<Cell, "inherit">;

export interface MatrixRow {
  /** group name → cell; a missing group means inherit. */
  groups: Record<string, Cell>;
  others: Cell;
  /** Consumers named directly (the config file allows usernames as subjects). */
  consumers?: Record<string, Effect>;
}

export interface AclMatrix {
  /** Column order; every group the ACL may name. */
  groups: string[];
  defaultRow: MatrixRow;
  /** tool name → row; a missing tool means a row of inherit cells. */
  tools: Record<string, MatrixRow>;
}

export const DEFAULT_ROW = "*";

const EMPTY_ROW: MatrixRow = { groups: {}, others: "inherit" };

export function rowOf(matrix: AclMatrix, tool: string): MatrixRow {
  return tool === DEFAULT_ROW ? matrix.defaultRow : (matrix.tools[tool] ?? EMPTY_ROW);
}

const set = (cell: Cell | undefined): cell is Effect => cell === "allow" || cell === "deny";

export function hasOwnRule(row: MatrixRow): boolean {
  return set(row.others) || Object.values(row.groups).some(set) || Object.keys(row.consumers ?? {}).length > 0;
}

/** The decision for callers that no group of the row names. */
export function effectiveOthers(matrix: AclMatrix, tool: string): Effect {
  const own = rowOf(matrix, tool).others;
  if (set(own)) return own;
  const fallback = matrix.defaultRow.others;
  return set(fallback) ? fallback : "allow";
}

/** The decision for a caller in exactly this group, after inheritance. */
export function effectiveCell(matrix: AclMatrix, tool: string, group: string): Effect {
  const own = rowOf(matrix, tool).groups[group];
  if (set(own)) return own;
  if (tool !== DEFAULT_ROW && !hasOwnRule(rowOf(matrix, tool))) return effectiveCell(matrix, DEFAULT_ROW, group);
  const inherited = tool === DEFAULT_ROW ? undefined : matrix.defaultRow.groups[group];
  return set(inherited) ? inherited : effectiveOthers(matrix, tool);
}

/** The names part of a row's rule: who it admits and denies, inheritance resolved. */
export function ruleFor(matrix: AclMatrix, tool: string): AclRuleConfig {
  const row = rowOf(matrix, tool);
  const consumers = Object.entries(row.consumers ?? {});
  const denied = [...matrix.groups.filter((g) => effectiveCell(matrix, tool, g) === "deny"), ...consumers.filter(([, e]) => e === "deny").map(([name]) => name)];
  if (effectiveOthers(matrix, tool) === "allow") return denied.length ? { deny: denied } : {};
  const allowed = [...matrix.groups.filter((g) => effectiveCell(matrix, tool, g) === "allow"), ...consumers.filter(([, e]) => e === "allow").map(([name]) => name)];
  // An empty `allow` admits everyone, so "nobody" has to be said as deny "*".
  if (allowed.length === 0) return { deny: [EVERYONE] };
  return denied.length ? { allow: allowed, deny: denied } : { allow: allowed };
}

/** The matrix as the config file's `acl` (tools sorted by name, for stable output). */
export function matrixToAcl(matrix: AclMatrix): AclConfig {
  const tools = Object.keys(matrix.tools)
    .filter((tool) => hasOwnRule(matrix.tools[tool]!))
    .sort()
    .map((name) => ({ name, ...ruleFor(matrix, name) }));
  return { default: ruleFor(matrix, DEFAULT_ROW), tools };
}

function rowFromRule(rule: AclRuleConfig, groups: readonly string[]): MatrixRow {
  const allow = new Set(rule.allow ?? []);
  const deny = new Set(rule.deny ?? []);
  const everyoneAllowed = allow.size === 0 || allow.has(EVERYONE);
  const cells: Record<string, Cell> = {};
  for (const group of groups) cells[group] = deny.has(group) || deny.has(EVERYONE) ? "deny" : everyoneAllowed || allow.has(group) ? "allow" : "deny";
  const consumers: Record<string, Effect> = {};
  for (const subject of deny) if (subject !== EVERYONE && !groups.includes(subject)) consumers[subject] = "deny";
  if (!everyoneAllowed) for (const subject of allow) if (!groups.includes(subject) && !deny.has(subject)) consumers[subject] = "allow";
  const others: Effect = deny.has(EVERYONE) || !everyoneAllowed ? "deny" : "allow";
  return Object.keys(consumers).length ? { groups: cells, others, consumers } : { groups: cells, others };
}

/** Turns explicit cells back into inherit wherever inheritance gives the same decision. */
function simplify(matrix: AclMatrix, tool: string, row: MatrixRow): MatrixRow {
  const groups: Record<string, Cell> = {};
  const bare = { ...row, groups: {} };
  const probe: AclMatrix = tool === DEFAULT_ROW ? { ...matrix, defaultRow: bare } : { ...matrix, tools: { ...matrix.tools, [tool]: bare } };
  for (const group of matrix.groups) {
    const cell = row.groups[group];
    groups[group] = cell !== undefined && effectiveCell(probe, tool, group) !== cell ? cell : "inherit";
  }
  return { ...row, groups };
}

/**
 * The config file's `acl` as a matrix, for importing YAML into the console.
 * Decisions are preserved exactly; cells that inheritance already explains
 * come back as inherit.
 */
export function aclToMatrix(acl: AclConfig, groups: readonly string[]): AclMatrix {
  const defaultRow = rowFromRule(acl.default, groups);
  const matrix: AclMatrix = { groups: [...groups], defaultRow, tools: {} };
  matrix.defaultRow = simplify(matrix, DEFAULT_ROW, defaultRow);
  for (const rule of acl.tools) {
    const { name, ...subjects } = rule;
    matrix.tools[name] = simplify(matrix, name, rowFromRule(subjects, groups));
  }
  return matrix;
}
