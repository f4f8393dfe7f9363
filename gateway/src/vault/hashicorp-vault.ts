// HashiCorp Vault, KV version 2 over its HTTP API: GET <address>/v1/<mount>/data/<path>
// with X-Vault-Token, answering { data: { data: {...}, metadata: {...} } }.
// The token is configured directly or obtained by AppRole login
// (POST /v1/auth/<approle mount>/login), renewed when its lease runs out.
import type { Dispatcher } from "undici";
import type { GatewayConfig } from "../../../lib/core/config/schema";
import type { VaultReference } from "../../../lib/core/vault/reference";
import { VaultError } from "../../../lib/core/vault/vault-error";

type HcvConfig = NonNullable<GatewayConfig["vault"]["hcv"]>;

const TIMEOUT_MS = 5_000;

export class HashiCorpVaultClient {
  #login: { token: string; expiresAt: number } | undefined;

  constructor(
    private readonly config: HcvConfig,
    private readonly dispatcher: Dispatcher,
    private readonly resolveSetting: (text: string) => Promise<string>,
  ) {}

  async #call(method: "GET" | "POST", path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; json: unknown }> {
    const base = new URL(this.config.address);
    const prefix = base.pathname.replace(/\/+$/, "");
    if (this.config.namespace) headers["x-vault-namespace"] = this.config.namespace;
    try {
      const response = await this.dispatcher.request({
        origin: base.origin,
        path: `${prefix}${path}`,
        method,
        headers: { accept: "application/json", ...(body ? { "content-type": "application/json" } : {}), ...headers },
        body,
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      });
      const text = await response.body.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.statusCode, json };
    } catch (error) {
      throw new VaultError(`HashiCorp Vault at ${base.origin} is unreachable (${(error as { code?: string }).code ?? (error as Error).message})`);
    }
  }

  async #token(): Promise<string> {
    if (this.config.token) return this.resolveSetting(this.config.token);
    const approle = this.config.approle;
    if (!approle) throw new VaultError("vault.hcv needs a token or an approle");
    if (this.#login && this.#login.expiresAt > Date.now()) return this.#login.token;
    const body = JSON.stringify({ role_id: await this.resolveSetting(approle.role_id), secret_id: await this.resolveSetting(approle.secret_id) });
    const { status, json } = await this.#call("POST", `/v1/auth/${approle.mount}/login`, {}, body);
    const auth = (json as { auth?: { client_token?: string; lease_duration?: number } } | undefined)?.auth;
    if (status !== 200 || !auth?.client_token) throw new VaultError(`HashiCorp Vault AppRole login failed (HTTP ${status})`);
    // Renew a little before the lease ends.
    const leaseMs = Math.max((auth.lease_duration ?? 60) * 1000 - 10_000, 1_000);
    this.#login = { token: auth.client_token, expiresAt: Date.now() + leaseMs };
    return auth.client_token;
  }

  async read(ref: VaultReference): Promise<Record<string, unknown>> {
    const token = await this.#token();
    const path = ref.key.split("/").map(encodeURIComponent).join("/");
    const { status, json } = await this.#call("GET", `/v1/${this.config.mount}/data/${path}`, { "x-vault-token": token });
    if (status === 403 && this.#login) this.#login = undefined;
    if (status === 404) throw new VaultError(`${ref.raw}: no secret at ${this.config.mount}/${ref.key}`);
    if (status !== 200) throw new VaultError(`${ref.raw}: HashiCorp Vault answered HTTP ${status}`);
    const data = (json as { data?: { data?: unknown } } | undefined)?.data?.data;
    if (typeof data !== "object" || data === null) throw new VaultError(`${ref.raw}: the secret holds no data (deleted version?)`);
    return data as Record<string, unknown>;
  }
}
