// Argument paths a tool rule marks sensitive (`redact_args: ["args.content",
// "args.files[*].content"]`) are replaced by a hash wherever the gateway
// records arguments (the audit event, the approval the console shows), so a
// reviewer can tell two values apart without seeing either. The hash is an
// HMAC-SHA-256 under a key derived (HKDF) from the master key, which every
// gateway and the console of an installation share: equal values hash alike on
// every gateway, and a reader of the audit log without the master key cannot
// try the few thousand PINs or one-time codes a short value could be. (An
// unkeyed SHA-256 of "1234" is found by hashing every four-digit string.)
import { createHmac, hkdfSync } from "node:crypto";

type Step = { field: string } | { each: true };

export type CompiledArgumentPath = readonly Step[];

export function compileArgumentPath(path: string): CompiledArgumentPath {
  const steps: Step[] = [];
  for (const match of path.slice("args".length).matchAll(/\.([A-Za-z_][A-Za-z0-9_-]*)|\[\*\]/g)) steps.push(match[1] === undefined ? { each: true } : { field: match[1] });
  return steps;
}

export class ArgumentHasher {
  readonly #key: Buffer;

  constructor(masterKey: Buffer) {
    this.#key = Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), "portcullis argument redaction", 32));
  }

  /** `sha256:` and the first 16 hex digits of the HMAC-SHA-256 of the value's JSON. */
  hash(value: unknown): string {
    return `sha256:${createHmac("sha256", this.#key)
      .update(JSON.stringify(value) ?? "")
      .digest("hex")
      .slice(0, 16)}`;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A copy of `value` with what `steps` names hashed; the input is never changed. */
function redactAt(value: unknown, steps: CompiledArgumentPath, at: number, hasher: ArgumentHasher): unknown {
  if (at === steps.length) return hasher.hash(value);
  const step = steps[at]!;
  if ("each" in step) return Array.isArray(value) ? value.map((item) => redactAt(item, steps, at + 1, hasher)) : value;
  if (!isObject(value) || !Object.hasOwn(value, step.field)) return value;
  return { ...value, [step.field]: redactAt(value[step.field], steps, at + 1, hasher) };
}

/** The arguments with every marked path's value replaced by its hash. */
export function redactArguments(args: Record<string, unknown>, paths: readonly CompiledArgumentPath[], hasher: ArgumentHasher): Record<string, unknown> {
  let redacted: unknown = args;
  for (const path of paths) redacted = redactAt(redacted, path, 0, hasher);
  return redacted as Record<string, unknown>;
}
