// token_swap routes: the gateway is an OAuth resource server for the
// organisation's IdP. A token is validated by introspection (RFC 7662) or as a
// JWT against the IdP's JWKS (RFC 9068), for this route's audience (RFC 8707),
// then mapped to a consumer. Passthrough routes with `validate` use the same
// checks, caches and budget for the upstream's tokens (`validate`). Results are
// cached per token SHA-256 until the token expires (at most 5 minutes);
// refusals for 10 s. Tokens the gateway has not seen cost an IdP call, so each
// client address gets a budget of them (introspection-budget.ts): random
// tokens cannot become an IdP flood. An IdP that is down or slow fails closed
// with 503.
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import type { Dispatcher } from "undici";
import type { CompiledTokenCheck } from "../config/compile";
import type { CallerIdentity, TokenSwapAuth, TokenAuthenticator } from "../pipeline/handle-request";
import type { RequestContext } from "../pipeline/context";
import { readBearerToken } from "../pipeline/bearer-token";
import { headerValue } from "../transport/headers";
import { bearerChallenge } from "../discovery/challenge";
import { GatewayError } from "../errors";
import type { VaultResolver } from "../vault/vault-resolver";
import { VaultError } from "../../../lib/core/vault/vault-error";
import { consumerFromClaims } from "./claim-identity";
import { postClientForm } from "./client-authentication";
import { IntrospectionBudget } from "./introspection-budget";

const CLOCK_SKEW_SECONDS = 30;
const MAX_POSITIVE_CACHE_MS = 5 * 60_000;
const NEGATIVE_CACHE_MS = 10_000;
const MAX_CACHED_TOKENS = 10_000;
const JWKS_COOLDOWN_MS = 30_000;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** What the gateway uses from a valid token. */
export type Claims = Record<string, unknown>;

type Validation = { ok: true; claims: Claims } | { ok: false; detail: string };

interface CacheEntry {
  validation: Promise<Validation>;
  expiresAt: number;
}

/**
 * Whose budget a new token spends: the client's address as a trusted proxy in front reports it (the headers named
 * in `gateway.forward_client_ip_headers`; for X-Forwarded-For the address that proxy appended, the last), else the
 * peer's. Behind a load balancer the peer is the balancer, and every client would share one budget.
 */
function budgetAddress(ctx: RequestContext): string {
  for (const name of ctx.config!.forwardedClientIpHeaders) {
    const reported = headerValue(ctx.req.headers[name])?.split(",").at(-1)?.trim();
    if (reported) return reported;
  }
  return ctx.req.socket.remoteAddress ?? "";
}

function refuse(detail: string): Validation {
  return { ok: false, detail };
}

function audiences(aud: unknown): string[] {
  if (typeof aud === "string") return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === "string") : [];
}

/** `scope` (space-separated, RFC 9068) or `scp` (string or array, seen at Entra/Okta). */
export function tokenScopes(claims: Claims): Set<string> {
  const raw = claims.scope ?? claims.scp;
  if (typeof raw === "string") return new Set(raw.split(" ").filter(Boolean));
  return new Set(Array.isArray(raw) ? raw.filter((s): s is string => typeof s === "string") : []);
}

/** The checks introspection leaves to the resource server: exp, nbf, iss, aud. */
export function checkIntrospection(response: Record<string, unknown>, issuer: string, audience: string, nowSeconds: number): Validation {
  if (response.active !== true) return refuse("introspection: token not active");
  if (typeof response.exp !== "number") return refuse("introspection: token has no expiry");
  if (response.exp + CLOCK_SKEW_SECONDS <= nowSeconds) return refuse("introspection: token expired");
  if (typeof response.nbf === "number" && response.nbf - CLOCK_SKEW_SECONDS > nowSeconds) return refuse("introspection: token not yet valid");
  if (response.iss !== undefined && response.iss !== issuer) return refuse("introspection: token from another issuer");
  if (!audiences(response.aud).includes(audience)) return refuse("introspection: token issued for another audience");
  return { ok: true, claims: response };
}

export class TokenValidator implements TokenAuthenticator {
  /** Per compiled token check (a route's), so a new configuration starts with empty caches. */
  #caches = new WeakMap<CompiledTokenCheck, Map<string, CacheEntry>>();
  #jwks = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
  #budget = new IntrospectionBudget();

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly vault: VaultResolver,
  ) {}

  async authenticate(ctx: RequestContext, auth: TokenSwapAuth): Promise<CallerIdentity> {
    const metadataUrl = ctx.metadataUrl;
    const token = readBearerToken(ctx, metadataUrl);
    const claims = await this.validate(ctx, token, auth, auth.audience ?? ctx.resourceUrl, metadataUrl);
    const scopes = tokenScopes(claims);
    if (auth.requiredScopes.some((s) => !scopes.has(s))) {
      const scope = auth.requiredScopes.join(" ");
      throw new GatewayError("insufficient_scope", `The access token lacks a required scope (${scope})`).withHeader(
        "www-authenticate",
        bearerChallenge({ error: "insufficient_scope", scope, resource_metadata: metadataUrl }),
      );
    }
    return { ...consumerFromClaims(ctx.config!, auth, claims), claims };
  }

  /** The token's claims, or a 401 token_invalid whose challenge points at `metadataUrl`. */
  async validate(ctx: RequestContext, token: string, auth: CompiledTokenCheck, audience: string, metadataUrl: string | undefined): Promise<Claims> {
    const check = () => this.#validateCached(token, ctx.tokenDigest!, auth, audience, () => budgetAddress(ctx));
    const validation = ctx.trace
      ? await ctx.trace.step(
          "portcullis.token.validate",
          { "portcullis.token.check": auth.jwksUri && JWT_SHAPE.test(token) ? "jwks" : auth.introspection ? "introspection" : "none" },
          check,
        )
      : await check();
    if (!validation.ok) {
      throw new GatewayError("token_invalid", "The access token is not valid for this server", validation.detail).withHeader(
        "www-authenticate",
        bearerChallenge({ error: "invalid_token", error_description: "The access token is invalid or expired", resource_metadata: metadataUrl }),
      );
    }
    return validation.claims;
  }

  /** `clientAddress` is read only when a new token must spend the address's budget. */
  async #validateCached(token: string, digest: string, auth: CompiledTokenCheck, audience: string, clientAddress: () => string): Promise<Validation> {
    let cache = this.#caches.get(auth);
    if (!cache) this.#caches.set(auth, (cache = new Map<string, CacheEntry>()));
    const key = `${audience}\n${digest}`;
    const cached = cache.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.validation;
    if (!(auth.jwksUri && JWT_SHAPE.test(token)) && auth.introspection && !this.#budget.take(clientAddress())) {
      throw new GatewayError("token_checks_limited", "Too many new tokens from this address; try again shortly").withHeader("retry-after", "1");
    }
    // Pending entries never expire, so concurrent requests with one new token ask the IdP once.
    const entry: CacheEntry = { validation: this.#validate(token, auth, audience), expiresAt: Number.POSITIVE_INFINITY };
    if (cache.size >= MAX_CACHED_TOKENS) cache.delete(cache.keys().next().value!);
    cache.set(key, entry);
    try {
      const validation = await entry.validation;
      const now = Date.now();
      const exp = validation.ok && typeof validation.claims.exp === "number" ? validation.claims.exp * 1000 : now;
      entry.expiresAt = validation.ok ? Math.min(exp, now + MAX_POSITIVE_CACHE_MS) : now + NEGATIVE_CACHE_MS;
      return validation;
    } catch (error) {
      // An unavailable IdP is not an answer about the token: ask again next time.
      if (cache.get(key) === entry) cache.delete(key);
      throw error;
    }
  }

  #validate(token: string, auth: CompiledTokenCheck, audience: string): Promise<Validation> {
    if (auth.jwksUri && JWT_SHAPE.test(token)) return this.#verifyJwt(token, auth, auth.jwksUri, audience);
    if (auth.introspection) return this.#introspect(token, auth, auth.introspection, audience);
    return Promise.resolve(refuse("not a JWT, and the route has no introspection endpoint"));
  }

  async #verifyJwt(token: string, auth: CompiledTokenCheck, uri: string, audience: string): Promise<Validation> {
    // Shared across configurations, so a reload keeps the fetched keys.
    const key = `${uri}\n${auth.idpTimeoutMs}`;
    let jwks = this.#jwks.get(key);
    if (!jwks) {
      jwks = createRemoteJWKSet(new URL(uri), { timeoutDuration: auth.idpTimeoutMs, cooldownDuration: JWKS_COOLDOWN_MS });
      this.#jwks.set(key, jwks);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        algorithms: auth.algorithms,
        issuer: auth.issuer,
        audience,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ["exp"],
      }));
    } catch (error) {
      if (isTokenProblem(error)) return refuse(`jwt: ${(error as joseErrors.JOSEError).code}`);
      throw new GatewayError("idp_unavailable", "The identity provider's signing keys are unavailable; try again shortly", `jwks ${uri}: ${(error as Error).message}`);
    }
    return { ok: true, claims: payload };
  }

  async #introspect(token: string, auth: CompiledTokenCheck, introspection: NonNullable<CompiledTokenCheck["introspection"]>, audience: string): Promise<Validation> {
    let secret: string;
    try {
      secret = await this.vault.render(introspection.clientSecret);
    } catch (error) {
      if (!(error instanceof VaultError)) throw error;
      throw new GatewayError("idp_unavailable", "The gateway cannot validate tokens right now", `introspection client secret: ${error.message}`);
    }
    const form = new URLSearchParams({ token, token_type_hint: "access_token" });
    let status: number;
    let response: unknown;
    try {
      ({ status, body: response } = await postClientForm(
        this.dispatcher,
        introspection.endpoint,
        form,
        { id: introspection.clientId, secret, method: introspection.authMethod },
        auth.idpTimeoutMs,
      ));
    } catch (error) {
      throw new GatewayError(
        "idp_unavailable",
        "The identity provider did not answer; try again shortly",
        `introspection: ${(error as { code?: string }).code ?? (error as Error).message}`,
      );
    }
    // A caller chooses a token's shape: an IdP that cannot introspect this kind (oidc-provider
    // refuses JWTs so) has said the token is not one it vouches for, not that it is down.
    if (status === 400 && (response as { error?: unknown } | null)?.error === "unsupported_token_type")
      return refuse("introspection: the IdP cannot introspect this kind of token");
    if (status !== 200 || typeof response !== "object" || response === null) {
      throw new GatewayError("idp_unavailable", "The identity provider refused the gateway's introspection request", `introspection answered HTTP ${status}`);
    }
    return checkIntrospection(response as Record<string, unknown>, auth.issuer, audience, Date.now() / 1000);
  }
}

const TOKEN_PROBLEMS = new Set([
  "ERR_JWT_CLAIM_VALIDATION_FAILED",
  "ERR_JWT_EXPIRED",
  "ERR_JWT_INVALID",
  "ERR_JWS_INVALID",
  "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
  "ERR_JOSE_ALG_NOT_ALLOWED",
  "ERR_JOSE_NOT_SUPPORTED",
  "ERR_JWKS_NO_MATCHING_KEY",
  "ERR_JWKS_MULTIPLE_MATCHING_KEYS",
]);

function isTokenProblem(error: unknown): boolean {
  return error instanceof joseErrors.JOSEError && TOKEN_PROBLEMS.has(error.code);
}
