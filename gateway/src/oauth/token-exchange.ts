// token_swap routes with `upstream_credential.token_exchange`: the upstream's
// credential is obtained per user by RFC 8693 token exchange at the
// organisation's IdP — the caller's validated token is the subject token, and
// the IdP issues a token for the upstream (its `audience`/`resource`) naming the
// same user; with an actor token, the IdP records who acts for the user (the
// `act` claim, RFC 8693 §4.1). Exchanged tokens are cached per subject token (its full SHA-256)
// until they expire; concurrent requests with one token exchange once. Any
// failure is 502 token_exchange_failed: the route never falls back to the
// caller's token or to no credential.
import { createHash } from "node:crypto";
import type { Dispatcher } from "undici";
import type { CompiledTokenExchange } from "../config/compile";
import { GatewayError } from "../errors";
import type { RequestContext } from "../pipeline/context";
import { VaultError } from "../../../lib/core/vault/vault-error";
import type { VaultResolver } from "../vault/vault-resolver";
import { postClientForm } from "./client-authentication";

const GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
/** An exchanged token is not used in its last 30 s, so it cannot expire on its way upstream. */
const EXPIRY_MARGIN_MS = 30_000;
const MAX_CACHED_TOKENS = 10_000;
/** What may go into an Authorization header (RFC 6750 b64token, and what IdPs issue). */
const TOKEN_CHARACTERS = /^[A-Za-z0-9\-._~+/]+=*$/;

interface Exchanged {
  token: string;
  /** Epoch ms after which the token is exchanged again; 0: not reusable (no expires_in). */
  usableUntil: number;
}

interface CacheEntry {
  exchanged: Promise<Exchanged>;
  usableUntil: number;
}

function failed(detail: string): GatewayError {
  return new GatewayError("token_exchange_failed", "The gateway could not obtain a credential for this server from the identity provider", detail);
}

/** The checks on the IdP's answer (RFC 8693 §2.2.1): a Bearer access token, and when it expires. */
export function readExchangeResponse(status: number, body: unknown, now: number): Exchanged {
  const answer = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  // The IdP's error code (RFC 6749 §5.2) says why, for the log; its description may echo input, so it is left out.
  if (status !== 200) throw failed(`token exchange answered HTTP ${status}${typeof answer.error === "string" ? ` ${answer.error.slice(0, 64)}` : ""}`);
  const token = answer.access_token;
  if (typeof token !== "string" || !TOKEN_CHARACTERS.test(token)) throw failed("token exchange answer has no usable access_token");
  if (typeof answer.token_type !== "string" || answer.token_type.toLowerCase() !== "bearer") throw failed("token exchange issued no Bearer token");
  const expiresIn = answer.expires_in;
  const usableUntil = typeof expiresIn === "number" && expiresIn > 0 ? now + expiresIn * 1000 - EXPIRY_MARGIN_MS : 0;
  return { token, usableUntil };
}

export class TokenExchanger {
  /** Per compiled route setting, so a new configuration starts with an empty cache. */
  #caches = new WeakMap<CompiledTokenExchange, Map<string, CacheEntry>>();

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly vault: VaultResolver,
  ) {}

  /** Sets the upstream Authorization to a token exchanged for the caller's (already validated) one. */
  async apply(ctx: RequestContext, exchange: CompiledTokenExchange): Promise<void> {
    const { token } = await this.#exchangeCached(ctx.token!, exchange);
    ctx.upstreamHeaders = { ...ctx.upstreamHeaders, authorization: `Bearer ${token}` };
  }

  async #exchangeCached(subjectToken: string, exchange: CompiledTokenExchange): Promise<Exchanged> {
    let cache = this.#caches.get(exchange);
    if (!cache) this.#caches.set(exchange, (cache = new Map<string, CacheEntry>()));
    const key = createHash("sha256").update(subjectToken).digest("hex");
    const cached = cache.get(key);
    if (cached && cached.usableUntil > Date.now()) return cached.exchanged;
    const entry: CacheEntry = { exchanged: this.#exchange(subjectToken, exchange), usableUntil: Number.POSITIVE_INFINITY };
    if (cache.size >= MAX_CACHED_TOKENS) cache.delete(cache.keys().next().value!);
    cache.set(key, entry);
    try {
      const exchanged = await entry.exchanged;
      entry.usableUntil = exchanged.usableUntil;
      if (exchanged.usableUntil <= Date.now() && cache.get(key) === entry) cache.delete(key);
      return exchanged;
    } catch (error) {
      // A refusal or an outage: ask again next time rather than remember it.
      if (cache.get(key) === entry) cache.delete(key);
      throw error;
    }
  }

  async #exchange(subjectToken: string, exchange: CompiledTokenExchange): Promise<Exchanged> {
    const secret = await this.#render(exchange.clientSecret, "token exchange client secret");
    const actorToken = exchange.actor ? await this.#render(exchange.actor.token, "token exchange actor token") : undefined;
    const form = new URLSearchParams({ grant_type: GRANT_TYPE, subject_token: subjectToken, subject_token_type: ACCESS_TOKEN_TYPE, requested_token_type: ACCESS_TOKEN_TYPE });
    if (exchange.audience) form.set("audience", exchange.audience);
    if (exchange.resource) form.set("resource", exchange.resource);
    if (exchange.scope) form.set("scope", exchange.scope);
    if (actorToken !== undefined) {
      form.set("actor_token", actorToken);
      form.set("actor_token_type", exchange.actor!.type);
    }
    let answer: { status: number; body: unknown };
    try {
      answer = await postClientForm(this.dispatcher, exchange.endpoint, form, { id: exchange.clientId, secret, method: exchange.authMethod }, exchange.timeoutMs);
    } catch (error) {
      throw failed(`token exchange: ${(error as { code?: string }).code ?? (error as Error).message}`);
    }
    return readExchangeResponse(answer.status, answer.body, Date.now());
  }

  async #render(template: CompiledTokenExchange["clientSecret"], what: string): Promise<string> {
    try {
      return await this.vault.render(template);
    } catch (error) {
      if (!(error instanceof VaultError)) throw error;
      throw new GatewayError("credential_unavailable", "The gateway's credential for the identity provider is unavailable", `${what}: ${error.message}`);
    }
  }
}
