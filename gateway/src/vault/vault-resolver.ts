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
import { pickField, resolveBuiltInReference } from "../../../lib/core/vault/built-in-vault";
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

export class VaultResolver {
  #config: VaultConfig = { portcullis: {}, cache_ttl_seconds: 60 };
  #cache = new Map<string, CachedValue>();
  /** Loads under way, of the current configuration only. */
  #inFlight = new Map<string, Promise<string>>();
  /** Counts configure() calls: a load begun under older settings is neither shared nor cached. */
  #generation = 0;
  #hcv: HashiCorpVaultClient | undefined;

  constructor(private readonly options: VaultResolverOptions) {}

  /**
   * A new configuration: forget every cached value (references or stored values may have changed),
   * and every load under way — a HashiCorp Vault read begun with the old address or token finishes
   * for the request that began it, but no later request shares it and its value is not cached.
   */
  configure(config: VaultConfig) {
    this.#generation++;
    this.#config = config;
    this.#cache.clear();
    this.#inFlight = new Map();
    this.#hcv = config.hcv ? new HashiCorpVaultClient(config.hcv, this.options.dispatcher, (text) => this.#resolveSecretSetting(text)) : undefined;
  }

  async resolve(ref: VaultReference): Promise<string> {
    const cached = this.#cache.get(ref.raw);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    const inFlight = this.#inFlight;
    let pending = inFlight.get(ref.raw);
    if (!pending) {
      pending = this.#load(ref, this.#generation).finally(() => inFlight.delete(ref.raw));
      inFlight.set(ref.raw, pending);
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

  async #load(ref: VaultReference, generation: number): Promise<string> {
    const value = await this.#value(ref);
    if (generation !== this.#generation) return value;
    const ttlSeconds = ref.backend === "hcv" && this.#config.hcv ? this.#config.hcv.cache_ttl_seconds : this.#config.cache_ttl_seconds;
    this.#cache.set(ref.raw, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
    return value;
  }

  /** The string the reference names: the stored value, or its field (lib/core/vault/built-in-vault.ts). */
  async #value(ref: VaultReference): Promise<string> {
    switch (ref.backend) {
      case "env": {
        const value = this.options.env[ref.key];
        if (value === undefined || value === "") throw new VaultError(`${ref.raw}: environment variable ${ref.key} is not set`);
        return pickField(ref, value);
      }
      case "file": {
        let value: string;
        try {
          value = (await fs.readFile(ref.key, "utf8")).trim();
        } catch (error) {
          throw new VaultError(`${ref.raw}: cannot read ${ref.key} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
        }
        return pickField(ref, value);
      }
      case "portcullis":
        return resolveBuiltInReference(ref, this.#config.portcullis[ref.key], this.options.masterKey);
      case "hcv":
        if (!this.#hcv) throw new VaultError(`${ref.raw}: no HashiCorp Vault is configured (vault.hcv)`);
        return pickField(ref, await this.#hcv.read(ref));
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
