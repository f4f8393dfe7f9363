// A CEL condition in plain English, for "My access" and the condition editor:
// the common forms — ==, !=, <, <=, >, >=, in, contains, startsWith, endsWith,
// has(), &&, ||, ! — over the condition's variables and literals. Anything else
// (macros, arithmetic, other functions) gives undefined, and the caller shows
// the expression alone: a wrong paraphrase of a policy is worse than none.
import { parse } from "@bufbuild/cel";

type Expr = ReturnType<typeof parse>["expr"];

const COMPARISONS: Record<string, [string, string]> = {
  "_==_": ["is", "is not"],
  "_!=_": ["is not", "is"],
  "_<_": ["is less than", "is at least"],
  "_<=_": ["is at most", "is more than"],
  "_>_": ["is more than", "is at most"],
  "_>=_": ["is at least", "is less than"],
};

const METHODS: Record<string, [string, string]> = {
  contains: ["contains", "does not contain"],
  startsWith: ["starts with", "does not start with"],
  endsWith: ["ends with", "does not end with"],
};

const VARIABLES: Record<string, string> = { tool: "the tool", server: "the server", now: "the time", args: "the arguments", claims: "the token's claims" };
const CONSUMER_FIELDS: Record<string, string> = { username: "the consumer's username", custom_id: "the consumer's custom id", groups: "the consumer's groups" };

/** `args.files` → ["args", "files"]; undefined for anything but a chain of fields on a variable. */
function pathOf(expr: Expr): string[] | undefined {
  const kind = expr.exprKind;
  if (kind.case === "identExpr") return [kind.value.name];
  if (kind.case === "selectExpr" && !kind.value.testOnly && kind.value.operand) {
    const operand = pathOf(kind.value.operand);
    return operand && [...operand, kind.value.field];
  }
  return undefined;
}

function operand(expr: Expr): string | undefined {
  const kind = expr.exprKind;
  if (kind.case === "constExpr") {
    const constant = kind.value.constantKind;
    if (constant.case === "stringValue") return JSON.stringify(constant.value);
    if (constant.case === "int64Value" || constant.case === "uint64Value" || constant.case === "doubleValue") return String(constant.value);
    if (constant.case === "boolValue") return String(constant.value);
    if (constant.case === "nullValue") return "null";
    return undefined;
  }
  if (kind.case === "listExpr") {
    const items = kind.value.elements.map(operand);
    return items.every((i) => i !== undefined) ? items.join(", ") : undefined;
  }
  const path = pathOf(expr);
  if (!path) return undefined;
  const [root, ...fields] = path;
  if (fields.length === 0) return VARIABLES[root!];
  if (root === "args") return `argument ${fields.join(".")}`;
  if (root === "claims") return `claim ${fields.join(".")}`;
  if (root === "consumer" && fields.length === 1) return CONSUMER_FIELDS[fields[0]!];
  return undefined;
}

function isList(expr: Expr): boolean {
  return expr.exprKind.case === "listExpr";
}

/** The sentence for `expr`, negated when `negated`; undefined when it is not one of the common forms. */
function sentence(expr: Expr, negated: boolean): string | undefined {
  const kind = expr.exprKind;
  if (kind.case === "constExpr" && kind.value.constantKind.case === "boolValue") return kind.value.constantKind.value !== negated ? "always" : "never";
  if (kind.case === "selectExpr" && kind.value.testOnly && kind.value.operand) {
    const what = operand({ ...expr, exprKind: { case: "selectExpr", value: { ...kind.value, testOnly: false } } });
    return what && `${what} is ${negated ? "not " : ""}given`;
  }
  if (kind.case !== "callExpr") return undefined;
  const { function: fn, args, target } = kind.value;
  if (fn === "!_") return sentence(args[0]!, !negated);
  if (fn === "_&&_" || fn === "_||_") {
    // De Morgan: "not (A and B)" reads as "A is not … or B is not …".
    const joiner = (fn === "_&&_") !== negated ? "and" : "or";
    const parts = args.map((arg) => {
      const inner = arg.exprKind.case === "callExpr" && (arg.exprKind.value.function === "_&&_" || arg.exprKind.value.function === "_||_") && arg.exprKind.value.function !== fn;
      const text = sentence(arg, negated);
      return text && (inner ? `(${text})` : text);
    });
    return parts.every((p) => p !== undefined) ? parts.join(` ${joiner} `) : undefined;
  }
  const comparison = COMPARISONS[fn];
  if (comparison && args.length === 2) {
    const [left, right] = [operand(args[0]!), operand(args[1]!)];
    return left && right && `${left} ${comparison[negated ? 1 : 0]} ${right}`;
  }
  if (fn === "@in" && args.length === 2) {
    const [item, collection] = [operand(args[0]!), operand(args[1]!)];
    if (!item || !collection) return undefined;
    if (isList(args[1]!)) return `${item} is ${negated ? "not " : ""}one of ${collection}`;
    return `${collection} ${negated ? "do not include" : "include"} ${item}`;
  }
  const method = METHODS[fn];
  if (method && target && args.length === 1) {
    const [subject, value] = [operand(target), operand(args[0]!)];
    return subject && value && `${subject} ${method[negated ? 1 : 0]} ${value}`;
  }
  return undefined;
}

/** "argument owner is "acme" and argument branch is not one of "main", "master"", or undefined (show the expression). */
export function describeCondition(expression: string): string | undefined {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(expression);
  } catch {
    return undefined;
  }
  return sentence(parsed.expr, false);
}
