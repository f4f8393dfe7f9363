// The identity of a tool call that a confirmation or an approval is bound to
// (docs/gateway.md, "Confirmation and approval"): the server, the tool, the
// consumer and the arguments, as RFC 8785 (JCS) canonical JSON, hashed with
// SHA-256. Two calls have the same hash exactly when they would do the same
// thing, whatever the order of their keys or the spelling of their numbers.
// The rule hash names the requirement an approval was asked under, so a rule
// that changed or went away voids the approvals it asked for.
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { ToolRequirementConfig } from "../config/schema";

export const CALL_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** The `rule` of an approval asked by a server's default rule: no tool name can hold parentheses. */
export const DEFAULT_RULE_NAME = "(default)";

export interface CallIdentity {
  server: string;
  tool: string;
  consumer: string;
  /** The tools/call's `params.arguments` as parsed; absent is `{}`. */
  arguments: Record<string, unknown> | undefined;
}

function sha256OfCanonical(value: unknown): string | undefined {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch {
    // A lone surrogate has no canonical form: such a call has no identity and is never confirmed.
    return undefined;
  }
  return text === undefined ? undefined : `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

/** `sha256:<hex>`, or undefined for arguments JCS cannot represent. */
export function callHash(call: CallIdentity): string | undefined {
  return sha256OfCanonical({ server: call.server, tool: call.tool, consumer: call.consumer, arguments: call.arguments ?? {} });
}

/** `sha256:<hex>` of the rule's name (a tool name, or DEFAULT_RULE_NAME) and its parsed `require` block, defaults included. */
export function ruleHash(rule: string, require: ToolRequirementConfig): string {
  return sha256OfCanonical({ rule, require })!;
}
