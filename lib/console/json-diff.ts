// Before/after of an activity entry as a list of changed leaves:
// [{ path: "auth.issuer", before: "https://a", after: "https://b" }].
// Objects are compared key by key; arrays and other values as a whole.
export interface JsonChange {
  path: string;
  kind: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

function same(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === "object" && typeof b === "object" && JSON.stringify(a) === JSON.stringify(b));
}

const absent = (value: unknown) => value === undefined || value === null;

export function diffJson(before: unknown, after: unknown, path = ""): JsonChange[] {
  // A creation or deletion lists the fields of what was created or deleted.
  if (!path && absent(before) && isObject(after)) return diffJson({}, after);
  if (!path && isObject(before) && absent(after)) return diffJson(before, {});
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffJson(before[key], after[key], path ? `${path}.${key}` : key));
  }
  if (same(before, after)) return [];
  if (absent(before)) return [{ path: path || "(value)", kind: "added", after }];
  if (absent(after)) return [{ path: path || "(value)", kind: "removed", before }];
  return [{ path: path || "(value)", kind: "changed", before, after }];
}
