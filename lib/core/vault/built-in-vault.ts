// Reading a reference's value, shared by the gateway (every request's
// credentials) and the console (a tool sync's credential), so both read the
// same reference the same way. The built-in vault ({vault://portcullis/…})
// holds secrets sealed with the master key; a field picks a key of a JSON
// value (any backend) or of a HashiCorp Vault KV secret.
import type { VaultReference } from "./reference";
import { decryptSecret } from "./secret-box";
import { VaultError } from "./vault-error";

/** The string a reference names within a stored value: the value itself, or its field. */
export function pickField(ref: VaultReference, value: unknown): string {
  if (ref.field === undefined) {
    if (typeof value === "string") return value;
    // A KV secret with a single key needs no field.
    const entries = typeof value === "object" && value !== null ? Object.values(value) : [];
    if (entries.length === 1 && typeof entries[0] === "string") return entries[0];
    throw new VaultError(`${ref.raw} holds several values; name one as {vault://${ref.backend}/${ref.key}/<field>}`);
  }
  let object = value;
  if (typeof value === "string") {
    try {
      object = JSON.parse(value);
    } catch {
      throw new VaultError(`${ref.raw}: the value is not a JSON object, so it has no field '${ref.field}'`);
    }
  }
  const picked = typeof object === "object" && object !== null ? (object as Record<string, unknown>)[ref.field] : undefined;
  if (typeof picked !== "string") throw new VaultError(`${ref.raw}: no string field '${ref.field}'`);
  return picked;
}

/**
 * A {vault://portcullis/<name>[/<field>]} reference's value: the sealed secret
 * (undefined when the vault has none of that name) decrypted with the master
 * key, loaded only when there is something to decrypt, then its field.
 */
export function resolveBuiltInReference(ref: VaultReference, sealed: string | undefined, masterKey: () => Buffer): string {
  if (sealed === undefined) throw new VaultError(`${ref.raw}: no secret named '${ref.key}' in the built-in vault`);
  let value: string;
  try {
    value = decryptSecret(masterKey(), ref.key, sealed);
  } catch (error) {
    throw new VaultError(`${ref.raw}: ${(error as Error).message}`);
  }
  return pickField(ref, value);
}
