// Argument paths a tool rule marks sensitive (`redact_args: ["args.content",
// "args.files[*].content"]`) are replaced by a hash wherever the gateway
// records arguments (the audit event), so a reviewer can tell two values apart
// without seeing either.
import { createHash } from "node:crypto";

type Step = { field: string } | { each: true };

export type CompiledArgumentPath = readonly Step[];

export function compileArgumentPath(path: string): CompiledArgumentPath {
  const steps: Step[] = [];
  for (const match of path.slice("args".length).matchAll(/\.([A-Za-z_][A-Za-z0-9_-]*)|\[\*\]/g)) steps.push(match[1] === undefined ? { each: true } : { field: match[1] });
  return steps;
}

/** `sha256:` and the first 16 hex digits of the value's JSON. */
export function hashArgument(value: unknown): string {
  return `sha256:${createHash("sha256")
    .update(JSON.stringify(value) ?? "")
    .digest("hex")
    .slice(0, 16)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A copy of `value` with what `steps` names hashed; the input is never changed. */
function redactAt(value: unknown, steps: CompiledArgumentPath, at: number): unknown {
  if (at === steps.length) return hashArgument(value);
  const step = steps[at]!;
  if ("each" in step) return Array.isArray(value) ? value.map((item) => redactAt(item, steps, at + 1)) : value;
  if (!isObject(value) || !Object.hasOwn(value, step.field)) return value;
  return { ...value, [step.field]: redactAt(value[step.field], steps, at + 1) };
}

/** The arguments with every marked path's value replaced by its hash. */
export function redactArguments(args: Record<string, unknown>, paths: readonly CompiledArgumentPath[]): Record<string, unknown> {
  let redacted: unknown = args;
  for (const path of paths) redacted = redactAt(redacted, path, 0);
  return redacted as Record<string, unknown>;
}
