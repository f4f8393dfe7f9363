// `result_redaction: secrets` on the response side: each JSON body or SSE
// event's data is parsed, the string leaves under every message's `result`
// and `error` are masked (lib/core/redaction/secret-masker.ts), and the value
// is re-serialised: decided on the parsed value, never by regex over the raw
// bytes, so a JSON escape (`\u0067hp_…`) cannot hide a token. Text that does
// not parse is refused (fail closed), as the tools/list filter does. The one
// shortcut: text with no escape in which no pattern matches anywhere is passed
// as it is (each of its strings is a verbatim slice of it, so none can match).
import type { SecretMasker } from "../../../lib/core/redaction/secret-masker";
import { GatewayError } from "../errors";
import { findShapeProblem } from "../jsonrpc/json-shape";

const BOM = "\ufeff";

function refuse(detail: string): GatewayError {
  return new GatewayError("upstream_invalid", "The server's answer could not be checked, so it was not passed on", detail);
}

/** Masks the string leaves under `root` in place (an iterative walk; depth was checked before). */
function maskLeaves(root: Record<string, unknown>, key: string, masker: SecretMasker): number {
  let count = 0;
  const stack: Array<{ holder: Record<string, unknown> | unknown[]; key: string | number }> = [{ holder: root, key }];
  while (stack.length > 0) {
    const { holder, key: at } = stack.pop()!;
    const value = (holder as Record<string | number, unknown>)[at];
    if (typeof value === "string") {
      const masked = masker.mask(value);
      if (masked.count > 0) {
        (holder as Record<string | number, unknown>)[at] = masked.text;
        count += masked.count;
      }
    } else if (Array.isArray(value)) value.forEach((_, i) => stack.push({ holder: value, key: i }));
    else if (typeof value === "object" && value !== null) for (const child of Object.keys(value)) stack.push({ holder: value as Record<string, unknown>, key: child });
  }
  return count;
}

/** The text to send instead (undefined: send it untouched, nothing was masked) and the number of maskings. */
export function maskResultText(text: string, masker: SecretMasker): { text: string | undefined; count: number } {
  if (text.trim() === "") return { text: undefined, count: 0 };
  // No escape and no match anywhere in the text: no string in it can hold a credential, parsed or not.
  if (masker.mayMatchJson?.(text) === false) return { text: undefined, count: 0 };
  let value: unknown;
  try {
    value = JSON.parse(text.startsWith(BOM) ? text.slice(1) : text);
  } catch {
    throw refuse("not JSON");
  }
  if (findShapeProblem(value)?.kind === "too_deep") throw refuse("nested too deep to check");
  let count = 0;
  for (const message of Array.isArray(value) ? value : [value]) {
    if (typeof message !== "object" || message === null || Array.isArray(message)) continue;
    if ("result" in message) count += maskLeaves(message as Record<string, unknown>, "result", masker);
    if ("error" in message) count += maskLeaves(message as Record<string, unknown>, "error", masker);
  }
  return { text: count === 0 ? undefined : JSON.stringify(value), count };
}
