// A tool's pin: "sha256:" + the hex SHA-256 of the RFC 8785 (JCS) canonical
// JSON of the whole tool object as the upstream lists it — name, title,
// description, schemas, annotations, _meta and anything else — so any change
// an agent could read changes the pin. The console records pins when an admin
// approves a catalogue; the gateway compares every listed tool with them.
// `canonicalize` is the RFC's authors' implementation (iterative, so no
// nesting can overflow the stack); values JCS cannot represent (lone
// surrogates) have no pin, and a tool without one is never taken as approved.
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

export const PIN_PATTERN = /^sha256:[0-9a-f]{64}$/;

export function toolPin(tool: unknown): string | undefined {
  let text: string | undefined;
  try {
    text = canonicalize(tool);
  } catch {
    return undefined;
  }
  return text === undefined ? undefined : `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

/** The RFC 8785 canonical text itself (for tests and for showing what was pinned). */
export function canonicalToolText(tool: unknown): string | undefined {
  try {
    return canonicalize(tool);
  } catch {
    return undefined;
  }
}
