// The headers of one tool sync: the server's own upstream headers, overridden
// by the credential the admin supplied for this request, with vault
// references resolved. The console resolves only the built-in vault
// ({vault://portcullis/…}): env, file and hcv references name places that
// only the gateway can see.
import path from "node:path";
import type { Db } from "../db/client";
import { resolveBuiltInReference } from "../core/vault/built-in-vault";
import { findVaultReferences, substituteVaultReferences, type VaultReference } from "../core/vault/reference";
import { loadMasterKey } from "../core/vault/secret-box";
import { ConsoleError } from "./errors";

function masterKey(): Buffer {
  // The data folder is chosen at run time; the ignore comment keeps Next's build from tracing the whole project for it.
  const dataDir = path.resolve(/* turbopackIgnore: true */ process.env.PORTCULLIS_DATA_DIR || ".portcullis");
  return loadMasterKey({ PORTCULLIS_MASTER_KEY: process.env.PORTCULLIS_MASTER_KEY }, dataDir);
}

/** Server headers first; a supplied header replaces the server's header of the same name (names are case-insensitive). */
export function mergeHeaders(server: Record<string, string>, supplied: Record<string, string>): Record<string, string> {
  const overridden = new Set(Object.keys(supplied).map((name) => name.toLowerCase()));
  return { ...Object.fromEntries(Object.entries(server).filter(([name]) => !overridden.has(name.toLowerCase()))), ...supplied };
}

export async function resolveSyncHeaders(db: Pick<Db, "secret">, headers: Record<string, string>): Promise<Record<string, string>> {
  const wanted = new Map<string, VaultReference>();
  for (const [header, value] of Object.entries(headers)) {
    for (const ref of findVaultReferences(value)) {
      if (ref.backend !== "portcullis") {
        throw new ConsoleError("invalid", `The ${header} header uses ${ref.raw}, which only the gateway can resolve. Enter the credential for this sync instead.`, {
          [`headers.${header}`]: "the console resolves only {vault://portcullis/…} references",
        });
      }
      wanted.set(ref.raw, ref);
    }
  }
  if (wanted.size === 0) return headers;
  const names = [...new Set([...wanted.values()].map((ref) => ref.key))];
  const secrets = await db.secret.findMany({ where: { name: { in: names } }, select: { name: true, ciphertext: true } });
  const sealed = new Map(secrets.map((secret) => [secret.name, secret.ciphertext]));
  const missing = names.filter((name) => !sealed.has(name));
  if (missing.length) throw new ConsoleError("invalid", `The vault has no secret named ${missing.map((m) => `"${m}"`).join(", ")}.`);
  const values = new Map<string, string>();
  for (const [raw, ref] of wanted) {
    try {
      // The gateway's own resolution (field included), so a sync sends what the gateway will send.
      values.set(raw, resolveBuiltInReference(ref, sealed.get(ref.key), masterKey));
    } catch (error) {
      throw new ConsoleError("invalid", `The console cannot read the vault: ${(error as Error).message}.`);
    }
  }
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, substituteVaultReferences(value, values)]));
}
