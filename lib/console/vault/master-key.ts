// The console process's master key for the built-in vault store, read once.
// The launcher sets PORTCULLIS_DATA_DIR; gateways load the same key.
import { loadMasterKey } from "../../core/vault/secret-box";

let cached: Buffer | undefined;

export function consoleMasterKey(): Buffer {
  cached ??= loadMasterKey({ PORTCULLIS_MASTER_KEY: process.env.PORTCULLIS_MASTER_KEY }, process.env.PORTCULLIS_DATA_DIR ?? ".portcullis");
  return cached;
}
