// Where each vault reference is used: upstream headers and auth settings of
// MCP servers, and the credentials of vault backends. Pure, so the vault page,
// the secret-delete check and the tests share one answer.
import { findVaultReferences, type VaultBackend } from "../../core/vault/reference";

export interface ReferenceUse {
  /** "server" or "vault backend". */
  kind: "server" | "vault_backend";
  /** Server name, or the backend kind ("hcv"). */
  name: string;
  id: string;
  /** Where inside it, e.g. "upstream header Authorization" or "auth introspection.client_secret". */
  place: string;
}

export interface ReferenceInUse {
  raw: string;
  backend: VaultBackend;
  key: string;
  field?: string;
  uses: ReferenceUse[];
}

export interface ServerReferences {
  id: string;
  name: string;
  upstreamHeaders: unknown;
  authSettings: unknown;
}

export interface BackendReferences {
  id: string;
  kind: string;
  settings: unknown;
}

/** Every string inside a JSON value, with its dotted path. */
function* strings(value: unknown, path: string[] = []): Generator<[string[], string]> {
  if (typeof value === "string") yield [path, value];
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, [...path, String(i)]);
  else if (value && typeof value === "object") for (const [key, item] of Object.entries(value)) yield* strings(item, [...path, key]);
}

export function collectReferenceUses(servers: readonly ServerReferences[], backends: readonly BackendReferences[] = []): ReferenceInUse[] {
  const byRaw = new Map<string, ReferenceInUse>();
  const add = (text: string, use: ReferenceUse) => {
    for (const reference of findVaultReferences(text)) {
      const entry = byRaw.get(reference.raw) ?? { ...reference, uses: [] };
      entry.uses.push(use);
      byRaw.set(reference.raw, entry);
    }
  };
  for (const server of servers) {
    for (const [path, text] of strings(server.upstreamHeaders)) {
      add(text, { kind: "server", id: server.id, name: server.name, place: `upstream header ${path.join(".")}` });
    }
    for (const [path, text] of strings(server.authSettings)) {
      add(text, { kind: "server", id: server.id, name: server.name, place: `auth ${path.join(".")}` });
    }
  }
  for (const backend of backends) {
    for (const [path, text] of strings(backend.settings)) {
      add(text, { kind: "vault_backend", id: backend.id, name: backend.kind, place: path.join(".") });
    }
  }
  return [...byRaw.values()].sort((a, b) => (a.raw < b.raw ? -1 : a.raw > b.raw ? 1 : 0));
}

/** The uses of one built-in secret, {vault://portcullis/<name>[/<field>]}. */
export function usesOfSecret(references: readonly ReferenceInUse[], name: string): ReferenceUse[] {
  return references.filter((r) => r.backend === "portcullis" && r.key === name).flatMap((r) => r.uses);
}

export function describeUse(use: ReferenceUse): string {
  return use.kind === "server" ? `server ${use.name} (${use.place})` : `${use.name === "hcv" ? "HashiCorp Vault" : use.name} settings (${use.place})`;
}
