// Type-checks a condition against a tool's `inputSchema`, where one is known
// (the console stores the schemas of synced tools; the gateway's config does
// not carry them). @bufbuild/cel 0.6.1 does not export its checker, so this is
// a small checker of its own over the parsed expression: `args` gets a type
// from the JSON Schema (string → string, number and integer → double, as JSON
// numbers reach CEL, boolean → bool, array → list(items), object → map with its
// declared properties; anything else → dyn), the other variables their fixed
// types, and operators and string functions are checked where both sides are
// known. Whatever it cannot tell is dyn and passes: it reports mistakes, it
// never refuses what could be right. Messages follow cel-go's wording.
import { parse } from "@bufbuild/cel";

type Expr = ReturnType<typeof parse>["expr"];

type CelType =
  | { kind: "dyn" }
  | { kind: "string" | "double" | "bool" | "null_type" | "google.protobuf.Timestamp" | "google.protobuf.Duration" }
  | { kind: "list"; element: CelType }
  /** `fields` known: a field outside them is a mistake unless `open`. */
  | { kind: "map"; fields?: ReadonlyMap<string, CelType>; open: boolean };

const DYN: CelType = { kind: "dyn" };
const STRING: CelType = { kind: "string" };
const DOUBLE: CelType = { kind: "double" };
const BOOL: CelType = { kind: "bool" };
const TIMESTAMP: CelType = { kind: "google.protobuf.Timestamp" };

function typeName(type: CelType): string {
  if (type.kind === "list") return `list(${typeName(type.element)})`;
  if (type.kind === "map") return "map(string, dyn)";
  return type.kind;
}

/** A JSON Schema (draft 2020-12 subset MCP tools use) as a CEL type. */
export function celTypeOfSchema(schema: unknown, depth = 0): CelType {
  if (typeof schema !== "object" || schema === null || depth > 32) return DYN;
  const s = schema as { type?: unknown; items?: unknown; properties?: unknown; additionalProperties?: unknown };
  switch (s.type) {
    case "string":
      return STRING;
    case "number":
    case "integer":
      return DOUBLE;
    case "boolean":
      return BOOL;
    case "null":
      return { kind: "null_type" };
    case "array":
      return { kind: "list", element: celTypeOfSchema(s.items, depth + 1) };
    case "object": {
      if (typeof s.properties !== "object" || s.properties === null) return { kind: "map", open: true };
      const fields = new Map(Object.entries(s.properties).map(([name, property]) => [name, celTypeOfSchema(property, depth + 1)]));
      // JSON Schema admits undeclared properties by default, but a condition naming one is almost always a typo.
      return { kind: "map", fields, open: s.additionalProperties === true || (typeof s.additionalProperties === "object" && s.additionalProperties !== null) };
    }
    default:
      return DYN;
  }
}

const CONSUMER: CelType = {
  kind: "map",
  open: false,
  fields: new Map<string, CelType>([
    ["username", STRING],
    ["custom_id", STRING],
    ["groups", { kind: "list", element: STRING }],
  ]),
};

class TypeProblem extends Error {}

const known = (type: CelType) => type.kind !== "dyn";
const numeric = (type: CelType) => type.kind === "double";
/** Whether two known types can meet in == or <: the same kind (lists and maps by kind only). */
const compatible = (a: CelType, b: CelType) => !known(a) || !known(b) || a.kind === b.kind || a.kind === "null_type" || b.kind === "null_type";

function overload(fn: string, args: CelType[], target?: CelType): never {
  const list = `(${args.map(typeName).join(", ")})`;
  throw new TypeProblem(`found no matching overload for '${fn}' applied to '${target ? `${typeName(target)}.${list}` : list}'`);
}

const STRING_PREDICATES = new Set(["contains", "startsWith", "endsWith", "matches"]);
const STRING_RESULTS = new Set(["lowerAscii", "upperAscii", "trim", "replace", "substring", "charAt", "format"]);
const COMPARISONS = new Set(["_<_", "_<=_", "_>_", "_>=_"]);
const ARITHMETIC = new Set(["_-_", "_*_", "_/_", "_%_"]);

function infer(expr: Expr | undefined, scope: ReadonlyMap<string, CelType>): CelType {
  if (expr === undefined) return DYN;
  const kind = expr.exprKind;
  switch (kind.case) {
    case "constExpr": {
      const c = kind.value.constantKind.case;
      if (c === "stringValue") return STRING;
      if (c === "int64Value" || c === "uint64Value" || c === "doubleValue") return DOUBLE;
      if (c === "boolValue") return BOOL;
      if (c === "nullValue") return { kind: "null_type" };
      return DYN;
    }
    case "identExpr":
      return scope.get(kind.value.name) ?? DYN;
    case "selectExpr": {
      const operand = infer(kind.value.operand, scope);
      const field = kind.value.field;
      let type: CelType = DYN;
      if (operand.kind === "map") {
        const declared = operand.fields?.get(field);
        if (operand.fields && declared === undefined && !operand.open)
          throw new TypeProblem(`undefined field '${field}' (declared: ${[...operand.fields.keys()].join(", ") || "none"})`);
        type = declared ?? DYN;
      } else if (known(operand)) throw new TypeProblem(`type '${typeName(operand)}' does not support field selection`);
      return kind.value.testOnly ? BOOL : type;
    }
    case "listExpr": {
      const elements = kind.value.elements.map((e) => infer(e, scope));
      const first = elements[0];
      return { kind: "list", element: first && elements.every((e) => e.kind === first.kind && e.kind !== "list" && e.kind !== "map") ? first : DYN };
    }
    case "structExpr":
      for (const entry of kind.value.entries) {
        if (entry.keyKind.case === "mapKey") infer(entry.keyKind.value, scope);
        infer(entry.value, scope);
      }
      return { kind: "map", open: true };
    case "comprehensionExpr": {
      const c = kind.value;
      const range = infer(c.iterRange, scope);
      if (known(range) && range.kind !== "list" && range.kind !== "map") throw new TypeProblem(`expression of type '${typeName(range)}' cannot be range of a comprehension`);
      const element = range.kind === "list" ? range.element : range.kind === "map" ? STRING : DYN;
      const withAccu = new Map(scope).set(c.accuVar, infer(c.accuInit, scope));
      const inner = new Map(withAccu).set(c.iterVar, element);
      infer(c.loopCondition, inner);
      infer(c.loopStep, inner);
      return infer(c.result, withAccu);
    }
    case "callExpr":
      return inferCall(kind.value.function, kind.value.target, kind.value.args, scope);
    default:
      return DYN;
  }
}

function inferCall(fn: string, targetExpr: Expr | undefined, argExprs: Expr[], scope: ReadonlyMap<string, CelType>): CelType {
  const target = targetExpr === undefined ? undefined : infer(targetExpr, scope);
  const args = argExprs.map((a) => infer(a, scope));
  const [a = DYN, b = DYN] = args;
  if (fn === "_&&_" || fn === "_||_" || fn === "!_") {
    if (args.some((t) => known(t) && t.kind !== "bool")) overload(fn, args);
    return BOOL;
  }
  if (fn === "_==_" || fn === "_!=_") {
    if (!compatible(a, b)) overload(fn, args);
    return BOOL;
  }
  if (COMPARISONS.has(fn)) {
    if (!compatible(a, b) || a.kind === "list" || a.kind === "map" || a.kind === "null_type") overload(fn, args);
    return BOOL;
  }
  if (fn === "@in") {
    if (b.kind === "list" && !compatible(a, b.element)) overload(fn, args);
    if (b.kind === "map" && known(a) && a.kind !== "string") overload(fn, args);
    if (known(b) && b.kind !== "list" && b.kind !== "map") overload(fn, args);
    return BOOL;
  }
  if (fn === "_+_") {
    if (known(a) && known(b) && a.kind !== b.kind) overload(fn, args);
    if (known(a) && !["string", "double", "list", "google.protobuf.Duration", "google.protobuf.Timestamp"].includes(a.kind)) overload(fn, args);
    return known(a) ? a : b;
  }
  if (ARITHMETIC.has(fn) || fn === "-_") {
    if (args.some((t) => known(t) && !numeric(t) && !t.kind.startsWith("google.protobuf."))) overload(fn, args);
    return fn === "-_" || (numeric(a) && numeric(b)) ? DOUBLE : DYN;
  }
  if (fn === "_?_:_") {
    if (known(a) && a.kind !== "bool") overload(fn, args);
    const [, yes = DYN, no = DYN] = args;
    return yes.kind === no.kind && yes.kind !== "list" && yes.kind !== "map" ? yes : DYN;
  }
  if (fn === "_[_]") {
    if (a.kind === "list") {
      if (known(b) && !numeric(b)) overload(fn, args);
      return a.element;
    }
    if (a.kind === "map") return DYN;
    if (known(a)) overload(fn, args);
    return DYN;
  }
  if (fn === "size") {
    const of = target ?? a;
    if (known(of) && !["string", "list", "map"].includes(of.kind)) overload(fn, target ? [] : args, target);
    return DOUBLE;
  }
  if (target !== undefined && (STRING_PREDICATES.has(fn) || STRING_RESULTS.has(fn) || fn === "split" || fn === "indexOf" || fn === "lastIndexOf")) {
    if (known(target) && target.kind !== "string") overload(fn, args, target);
    if (STRING_PREDICATES.has(fn) && known(a) && a.kind !== "string") overload(fn, args, target);
    if (STRING_PREDICATES.has(fn)) return BOOL;
    if (fn === "split") return { kind: "list", element: STRING };
    return fn === "indexOf" || fn === "lastIndexOf" ? DOUBLE : STRING;
  }
  if (fn === "timestamp") return TIMESTAMP;
  if (fn === "duration") return { kind: "google.protobuf.Duration" };
  if (fn === "int" || fn === "double" || fn === "uint") return DOUBLE;
  if (fn === "string") return STRING;
  if (fn === "@not_strictly_false" || fn === "__not_strictly_false__") return BOOL;
  return DYN;
}

/**
 * A type mistake in a condition that already compiles (see compileCondition), given the called
 * tool's `inputSchema`; undefined when there is none to report.
 */
export function checkConditionTypes(expression: string, inputSchema: unknown): string | undefined {
  const scope = new Map<string, CelType>([
    ["args", celTypeOfSchema(inputSchema)],
    ["consumer", CONSUMER],
    ["claims", { kind: "map", open: true }],
    ["server", STRING],
    ["tool", STRING],
    ["now", TIMESTAMP],
  ]);
  try {
    const result = infer(parse(expression).expr, scope);
    if (known(result) && result.kind !== "bool") return `the condition evaluates to '${typeName(result)}', not a bool`;
    return undefined;
  } catch (error) {
    if (error instanceof TypeProblem) return error.message;
    return `syntax error: ${(error as Error).message}`;
  }
}
