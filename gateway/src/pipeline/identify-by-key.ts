// Passthrough routes: the API key in the route's key header says who the
// caller is (`identity: key` or `both`; authenticate-passthrough.ts handles
// the upstream's token). Refusals about the key are 403, never 401: a 401
// restarts a client's OAuth flow, which cannot fix a key.
import { hasValidChecksum, hashApiKey, hashesEqual } from "../../../lib/core/keys/api-key";
import type { CompiledConfig, KeyEntry } from "../config/compile";
import { GatewayError } from "../errors";
import { headerValue } from "../transport/headers";
import type { RequestContext } from "./context";
import type { CallerIdentity } from "./handle-request";

const ISSUED_KEY_PREFIX = "pcs_";

/**
 * The live key entry (and so the consumer) for `key`. The key is hashed first,
 * so the lookup's timing depends only on the hash; the hash found is then
 * confirmed in constant time.
 */
export function findKey(config: CompiledConfig, key: string, now: number): KeyEntry | undefined {
  const hash = hashApiKey(key);
  const entry = config.keys.get(hash);
  if (!entry || !hashesEqual(entry.hash, hash) || entry.expiresAt <= now) return undefined;
  return entry;
}

/** The caller (and the key's id) named by the key header. */
export function identifyByKey(ctx: RequestContext, keyHeader: string): CallerIdentity {
  const key = headerValue(ctx.req.headers[keyHeader]);
  if (!key) throw new GatewayError("key_missing", `API key required: send your Portcullis API key in the '${keyHeader}' header`);
  // Issued keys carry a CRC-32 of themselves: a typo is refused without a lookup. Keys
  // without the pcs_ prefix (written by hand in a config file) have none to check.
  if (key.startsWith(ISSUED_KEY_PREFIX) && !hasValidChecksum(key)) {
    throw new GatewayError("key_malformed", "The API key is mistyped: its checksum does not match. Copy the whole key again");
  }
  const entry = findKey(ctx.config!, key, Date.now());
  if (!entry) throw new GatewayError("key_unknown", "The API key is not valid (unknown, revoked or expired)");
  return { consumer: entry.consumer, keyId: entry.id };
}
