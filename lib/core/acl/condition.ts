// Argument-level conditions on ACL rules, in CEL (https://cel.dev), evaluated
// by @bufbuild/cel (tested against the cel-spec conformance suite). An
// expression is parsed and planned once per configuration; per call, only the
// planned program runs. The library has no cost accounting and does not export
// its type checker, so the limits are static and checked here when the
// expression is compiled: its length, its number of nodes, comprehensions
// (`all`, `exists`, `map`, `filter`…) not nested in one another, and only
// declared variables and known functions. With those, one evaluation costs at
// most (nodes × size of the inputs): each node visits each input value at most
// once (a comprehension's body once per element, with no nesting) and a string
// function scans a string once. So before a program runs, that bound is
// computed on the actual inputs and a call over CONDITION_LIMITS.maxCost is
// refused without running it (fail closed, `condition_cost_exceeded`).
//
// The inputs are handed to the library already converted, as maps and lists
// made by its own constructors (celMap, celList): given a plain object, it
// takes one with a string `$typeName` key for a protobuf message (a
// `google.protobuf.Struct`, a wrapper…) and reads the fields that key's type
// names instead of the object's own, so arguments holding such a key would
// mean one thing to the condition and another to the upstream. Converted,
// every JSON object is a map of its own keys, whatever they are called.
import { celEnv, celList, celMap, isCelError, parse, plan, type CelInput, type CelResult } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { RE2JS } from "@bufbuild/re2";

/** maxCost in units of one input value visited, or 64 characters of a string scanned, per expression node. */
export const CONDITION_LIMITS = { maxLength: 2048, maxNodes: 200, maxComprehensionDepth: 1, maxCost: 1_000_000 } as const;
const CHARACTERS_PER_COST_UNIT = 64;

/** The variables a condition may name. */
export const CONDITION_VARIABLES = ["args", "consumer", "claims", "server", "tool", "now"] as const;

/** The library compiles a `matches` pattern on every call (~60 µs); patterns are almost always literals, so keep them. */
const patterns = new Map<string, RE2JS>();
const cachedRe2 = {
  compile(pattern: string) {
    let compiled = patterns.get(pattern);
    if (compiled === undefined) {
      // A pattern taken from the arguments could fill the cache: bound it.
      if (patterns.size >= 256) patterns.clear();
      compiled = RE2JS.compile(pattern);
      patterns.set(pattern, compiled);
    }
    return compiled;
  },
};

const env = celEnv({ funcs: strings, re2: cachedRe2 });

/** Operators the planner evaluates itself (short-circuit, indexing, macros' helpers): not in the function table. */
const PLANNER_OPERATORS = new Set(["_[_]", "_?_:_", "_&&_", "_||_", "@not_strictly_false", "__not_strictly_false__"]);

export interface ConditionInput {
  /** The tools/call's `arguments` (already checked by gateway/src/jsonrpc/message.ts). */
  args: Record<string, unknown>;
  consumer: { username: string; custom_id?: string; groups: readonly string[] };
  /** The validated token's claims on routes that validate one; `{}` elsewhere. */
  claims: Record<string, unknown>;
  server: string;
  tool: string;
  now: Date;
}

export interface CompiledCondition {
  expression: string;
  /** Expression nodes: the per-value factor of the cost bound. */
  nodes: number;
  program: ReturnType<typeof plan>;
}

export type ConditionCompileResult = { ok: true; condition: CompiledCondition } | { ok: false; problem: string };
export type ConditionOutcome = { ok: true; holds: boolean } | { ok: false; error: string; costExceeded?: true };

type Expr = ReturnType<typeof parse>["expr"];

/** Walks the expression: names in scope, functions known, size and nesting within the limits; the node count when it passes. */
function checkExpression(root: Expr): { problem: string } | { nodes: number } {
  let nodes = 0;
  const visit = (expr: Expr | undefined, scope: ReadonlySet<string>, depth: number): string | undefined => {
    if (expr === undefined) return undefined;
    if (++nodes > CONDITION_LIMITS.maxNodes) return `the expression has more than ${CONDITION_LIMITS.maxNodes} nodes`;
    const kind = expr.exprKind;
    switch (kind.case) {
      case "identExpr":
        return scope.has(kind.value.name) ? undefined : `undeclared reference to '${kind.value.name}' (variables: ${CONDITION_VARIABLES.join(", ")})`;
      case "selectExpr":
        return visit(kind.value.operand, scope, depth);
      case "callExpr":
        if (!PLANNER_OPERATORS.has(kind.value.function) && !env.funcs.find(kind.value.function)) return `unknown function '${kind.value.function}'`;
        return [kind.value.target, ...kind.value.args].reduce<string | undefined>((found, arg) => found ?? visit(arg, scope, depth), undefined);
      case "listExpr":
        return kind.value.elements.reduce<string | undefined>((found, element) => found ?? visit(element, scope, depth), undefined);
      case "structExpr":
        return kind.value.entries.reduce<string | undefined>(
          (found, entry) => found ?? (entry.keyKind.case === "mapKey" ? visit(entry.keyKind.value, scope, depth) : undefined) ?? visit(entry.value, scope, depth),
          undefined,
        );
      case "comprehensionExpr": {
        const c = kind.value;
        // The range is evaluated once; the loop body runs once per element, so only it counts as nesting.
        if (depth + 1 > CONDITION_LIMITS.maxComprehensionDepth) return "comprehensions (all, exists, map, filter…) cannot be nested";
        const inner = new Set([...scope, c.iterVar, c.accuVar]);
        return (
          visit(c.iterRange, scope, depth) ??
          visit(c.accuInit, new Set([...scope, c.accuVar]), depth) ??
          visit(c.loopCondition, inner, depth + 1) ??
          visit(c.loopStep, inner, depth + 1) ??
          visit(c.result, new Set([...scope, c.accuVar]), depth)
        );
      }
      default:
        return undefined;
    }
  };
  const problem = visit(root, new Set(CONDITION_VARIABLES), 0);
  return problem === undefined ? { nodes } : { problem };
}

export function compileCondition(expression: string): ConditionCompileResult {
  if (expression.length > CONDITION_LIMITS.maxLength) return { ok: false, problem: `a condition has at most ${CONDITION_LIMITS.maxLength} characters` };
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(expression);
  } catch (error) {
    return { ok: false, problem: `syntax error: ${(error as Error).message}` };
  }
  const checked = checkExpression(parsed.expr);
  if ("problem" in checked) return { ok: false, problem: checked.problem };
  return { ok: true, condition: { expression, nodes: checked.nodes, program: plan(env, parsed) } };
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * JSON values (as JSON.parse gives them) as CEL values, and their size in cost
 * units counted on the way; the walk stops once the size is over `budget`
 * (`values` is then incomplete). Objects and arrays become the library's own
 * maps and lists, built before they are filled, so the walk is iterative: no
 * input can overflow the stack. Anything JSON cannot hold throws.
 */
function convertInputs(inputs: readonly unknown[], budget: number): { cost: number; values: CelInput[] } {
  let cost = 0;
  const pending: ({ from: readonly unknown[]; into: CelInput[] } | { from: Record<string, unknown>; into: Map<string, CelInput> })[] = [];
  const convert = (value: unknown): CelInput => {
    cost += 1;
    switch (typeof value) {
      case "string":
        cost += Math.floor(value.length / CHARACTERS_PER_COST_UNIT);
        return value;
      case "number":
      case "boolean":
        return value;
      case "object": {
        if (value === null) return null;
        if (Array.isArray(value)) {
          const into: CelInput[] = [];
          pending.push({ from: value, into });
          return celList(into);
        }
        if (!isPlainObject(value)) throw new Error("an input is not a JSON value");
        const into = new Map<string, CelInput>();
        pending.push({ from: value, into });
        return celMap(into);
      }
      default:
        throw new Error(`an input holds a ${typeof value}, not a JSON value`);
    }
  };
  const values = inputs.map(convert);
  while (pending.length > 0 && cost <= budget) {
    const container = pending.pop()!;
    if (Array.isArray(container.from)) {
      const into = container.into as CelInput[];
      for (const item of container.from) into.push(convert(item));
    } else {
      const from = container.from as Record<string, unknown>;
      const into = container.into as Map<string, CelInput>;
      for (const key of Object.keys(from)) {
        // A key costs as a string value would.
        cost += 1 + Math.floor(key.length / CHARACTERS_PER_COST_UNIT);
        const item = from[key];
        // An absent value (objects built in code, never JSON) stays absent.
        if (item !== undefined) into.set(key, convert(item));
      }
    }
  }
  return { cost, values };
}

/** The size of the inputs in cost units, counting no further than `budget`. */
export function inputCost(inputs: readonly unknown[], budget: number): number {
  return convertInputs(inputs, budget).cost;
}

/** Runs a compiled condition. Anything but `true` or `false` (a missing field, a wrong type, a thrown error) is an error, which callers treat as a denial. */
export function evaluateCondition(condition: CompiledCondition, input: ConditionInput): ConditionOutcome {
  const budget = Math.floor(CONDITION_LIMITS.maxCost / condition.nodes);
  let converted: ReturnType<typeof convertInputs>;
  try {
    converted = convertInputs([input.args, input.claims, input.consumer.groups], budget);
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  if (converted.cost > budget)
    return { ok: false, costExceeded: true, error: `the arguments are too large for this condition (cost limit ${CONDITION_LIMITS.maxCost}, ${condition.nodes} nodes)` };
  const [args, claims, groups] = converted.values;
  let result: CelResult;
  try {
    result = condition.program({
      args,
      consumer: celMap(
        new Map<string, CelInput>([
          ["username", input.consumer.username],
          ["custom_id", input.consumer.custom_id ?? ""],
          ["groups", groups!],
        ]),
      ),
      claims,
      server: input.server,
      tool: input.tool,
      now: timestampFromDate(input.now),
    } as never);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  if (isCelError(result)) return { ok: false, error: result.message };
  if (typeof result !== "boolean") return { ok: false, error: "the condition did not evaluate to a bool" };
  return { ok: true, holds: result };
}
