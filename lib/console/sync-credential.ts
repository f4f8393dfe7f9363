// The headers of one tool sync: the server's own upstream headers, overridden
// by the credential the admin supplied for this request, with vault
// references resolved. The console resolves only the built-in vault
// ({vault://portcullis/…}): env, file and hcv references name places that
// only the gateway can see.
import path from "node:path";
import type { Db } from "../db/client";
import { decryptSecret, loadMasterKey } from "../core/vault/secret-box";
import { findVaultReferences, substituteVaultReferences } from "../core/vault/reference";
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
  const wanted = new Map<string, string>();
  for (const [header, value] of Object.entries(headers)) {
    for (const ref of findVaultReferences(value)) {
      if (ref.backend !== "portcullis") {
        throw new ConsoleError("invalid", `The ${header} header uses ${ref.raw}, which only the gateway can resolve. Enter the credential for this sync instead.`, {
          [`headers.${header}`]: "the console resolves only {vault://portcullis/…} references",
        });
      }
      wanted.set(ref.key, ref.raw);
    }
  }
  if (wanted.size === 0) return headers;
  const secrets = await db.secret.findMany({ where: { name: { in: [...wanted.keys()] } }, select: { name: true, ciphertext: true } });
  const missing = [...wanted.keys()].filter((name) => !secrets.some((s) => s.name === name));
  if (missing.length) throw new ConsoleError("invalid", `The vault has no secret named ${missing.map((m) => `"${m}"`).join(", ")}.`);
  const key = masterKey();
  const values = new Map<string, string>();
  for (const secret of secrets) {
    try {
      values.set(wanted.get(secret.name)!, decryptSecret(key, secret.name, secret.ciphertext));
    } catch (error) {
      throw new ConsoleError("invalid", `The console cannot read the vault: ${(error as Error).message}.`);
    }
  }
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, substituteVaultReferences(value, values)]));
}
