// Resolves {vault://<backend>/<key>[/<field>]} references in the gateway's
// memory only. Backends: env (variable), file (path, trimmed), portcullis (the
// console's encrypted store, decrypted with the master key), hcv (HashiCorp
// Vault KV v2). A field picks a key of a JSON value (any backend) or of a KV
// secret. Values are cached for the configured TTL, so a rotation takes effect
// within it. Errors name the reference, never a value.
import fs from "node:fs/promises";
import type { Dispatcher } from "undici";
import type { GatewayConfig } from "../../../lib/core/config/schema";
import { parseVaultReference, substituteVaultReferences, type VaultReference } from "../../../lib/core/vault/reference";
import { decryptSecret } from "../../../lib/core/vault/secret-box";
import type { SecretTemplate } from "../config/compile";
import { HashiCorpVaultClient } from "./hashicorp-vault";
import { VaultError } from "../../../lib/core/vault/vault-error";

type VaultConfig = GatewayConfig["vault"];

interface CachedValue {
  value: string;
  expiresAt: number;
}

export interface VaultResolverOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Loaded on first use of the portcullis backend (it may create the key file). */
  masterKey: () => Buffer;
  dispatcher: Dispatcher;
}

function pickField(ref: VaultReference, value: unknown): string {
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

export class VaultResolver {
  #config: VaultConfig = { portcullis: {}, cache_ttl_seconds: 60 };
  #cache = new Map<string, CachedValue>();
  #inFlight = new Map<string, Promise<string>>();
  #hcv: HashiCorpVaultClient | undefined;

  constructor(private readonly options: VaultResolverOptions) {}

  /** A new configuration: forget every cached value (references or stored values may have changed). */
  configure(config: VaultConfig) {
    this.#config = config;
    this.#cache.clear();
    this.#hcv = config.hcv ? new HashiCorpVaultClient(config.hcv, this.options.dispatcher, (text) => this.#resolveSecretSetting(text)) : undefined;
  }

  async resolve(ref: VaultReference): Promise<string> {
    const cached = this.#cache.get(ref.raw);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    let pending = this.#inFlight.get(ref.raw);
    if (!pending) {
      pending = this.#load(ref).finally(() => this.#inFlight.delete(ref.raw));
      this.#inFlight.set(ref.raw, pending);
    }
    return pending;
  }

  /** The template with every reference replaced by its value. */
  async render(template: SecretTemplate): Promise<string> {
    if (template.references.length === 0) return template.template;
    const values = new Map<string, string>();
    for (const ref of template.references) values.set(ref.raw, await this.resolve(ref));
    return substituteVaultReferences(template.template, values);
  }

  async #load(ref: VaultReference): Promise<string> {
    const value = pickField(ref, await this.#read(ref));
    const ttlSeconds = ref.backend === "hcv" && this.#config.hcv ? this.#config.hcv.cache_ttl_seconds : this.#config.cache_ttl_seconds;
    this.#cache.set(ref.raw, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
    return value;
  }

  async #read(ref: VaultReference): Promise<unknown> {
    switch (ref.backend) {
      case "env": {
        const value = this.options.env[ref.key];
        if (value === undefined || value === "") throw new VaultError(`${ref.raw}: environment variable ${ref.key} is not set`);
        return value;
      }
      case "file":
        try {
          return (await fs.readFile(ref.key, "utf8")).trim();
        } catch (error) {
          throw new VaultError(`${ref.raw}: cannot read ${ref.key} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
        }
      case "portcullis": {
        const sealed = this.#config.portcullis[ref.key];
        if (sealed === undefined) throw new VaultError(`${ref.raw}: no secret named '${ref.key}' in the built-in vault`);
        try {
          return decryptSecret(this.options.masterKey(), ref.key, sealed);
        } catch (error) {
          throw new VaultError(`${ref.raw}: ${(error as Error).message}`);
        }
      }
      case "hcv":
        if (!this.#hcv) throw new VaultError(`${ref.raw}: no HashiCorp Vault is configured (vault.hcv)`);
        return this.#hcv.read(ref);
    }
  }

  /** Settings of the hcv backend itself (its token, AppRole ids) may be references to env or file. */
  async #resolveSecretSetting(text: string): Promise<string> {
    const ref = parseVaultReference(text);
    if (!ref) return text;
    if (ref.backend === "hcv") throw new VaultError("the HashiCorp Vault token cannot itself come from HashiCorp Vault");
    return this.resolve(ref);
  }
}
