// {vault://<backend>/<key>[/<field>]} — a pointer to a secret, resolved only in
// the gateway's memory. Backends: env, file, portcullis (built-in store), hcv
// (HashiCorp Vault KV v2).
export const VAULT_BACKENDS = ["env", "file", "portcullis", "hcv"] as const;
export type VaultBackend = (typeof VAULT_BACKENDS)[number];

export interface VaultReference {
  /** The reference as written, e.g. {vault://env/KONNECT_MCP_TOKEN}. */
  raw: string;
  backend: VaultBackend;
  /** Variable name, file path, secret name, or KV path. */
  key: string;
  /** A field of a structured secret (hcv), when given. */
  field?: string;
}

export const VAULT_REFERENCE_PATTERN = /^\{vault:\/\/(env|file|portcullis|hcv)\/([^{}\s]+)\}$/;
const REFERENCES_IN_TEXT = /\{vault:\/\/(env|file|portcullis|hcv)\/([^{}\s]+)\}/g;

function toReference(raw: string, backend: string, rest: string): VaultReference {
  const b = backend as VaultBackend;
  // file paths keep every segment; for the others a last segment after the key is the field.
  if (b === "file") return { raw, backend: b, key: rest.startsWith("/") ? rest : `/${rest}` };
  if (b === "hcv") {
    const cut = rest.lastIndexOf("/");
    return cut > 0 ? { raw, backend: b, key: rest.slice(0, cut), field: rest.slice(cut + 1) } : { raw, backend: b, key: rest };
  }
  const [key, field] = rest.split("/", 2) as [string, string | undefined];
  return field ? { raw, backend: b, key, field } : { raw, backend: b, key };
}

export function parseVaultReference(text: string): VaultReference | undefined {
  const match = VAULT_REFERENCE_PATTERN.exec(text);
  return match ? toReference(match[0], match[1]!, match[2]!) : undefined;
}

/** Every reference inside a string such as "Bearer {vault://env/TOKEN}". */
export function findVaultReferences(text: string): VaultReference[] {
  return [...text.matchAll(REFERENCES_IN_TEXT)].map((m) => toReference(m[0], m[1]!, m[2]!));
}

/** Replaces each reference with its resolved value. */
export function substituteVaultReferences(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(REFERENCES_IN_TEXT, (raw) => values.get(raw) ?? raw);
}
