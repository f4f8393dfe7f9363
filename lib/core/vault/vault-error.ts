/** A reference that cannot be resolved; the message names the reference, never a value. */
export class VaultError extends Error {
  override name = "VaultError";
}
