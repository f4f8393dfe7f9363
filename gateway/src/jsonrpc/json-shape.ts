// What makes a parsed JSON value unsafe to judge and forward, found in one
// iterative walk (no recursion, so no depth can overflow the stack):
// - nesting deeper than the gateway will re-serialise (JSON.stringify recurses);
// - an object holding two keys that a case-insensitive decoder (Go's
//   encoding/json) reads as one (`"owner"` beside `"Owner"`), so that decoder
//   and the gateway would see different values.
import { foldKey } from "./key-fold";

/** Deeper than any real MCP message; far below what JSON.stringify can handle. */
export const MAX_JSON_DEPTH = 128;

export type ShapeProblem = { kind: "too_deep" } | { kind: "keys_collide"; keys: [string, string] };

/** Too deep, if anywhere; else the first pair of colliding keys; else undefined. */
export function findShapeProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): ShapeProblem | undefined {
  let collision: ShapeProblem | undefined;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: node, depth } = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth > maxDepth) return { kind: "too_deep" };
    if (Array.isArray(node)) {
      for (const item of node) if (typeof item === "object" && item !== null) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(node);
    const folded = keys.length > 1 ? new Map<string, string>() : undefined;
    for (const key of keys) {
      if (folded) {
        const fold = foldKey(key);
        const other = folded.get(fold);
        if (other !== undefined) collision ??= { kind: "keys_collide", keys: [other, key] };
        else folded.set(fold, key);
      }
      const child = (node as Record<string, unknown>)[key];
      if (typeof child === "object" && child !== null) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return collision;
}

/** The exact key of `object` that folds onto `member`, other than `member` itself. */
export function looseSpelling(object: Record<string, unknown>, members: ReadonlySet<string>): string | undefined {
  for (const key of Object.keys(object)) {
    if (members.has(key)) continue;
    if (members.has(foldKey(key))) return key;
  }
  return undefined;
}
