// The console as an OAuth client of an upstream's authorization server (RFC
// 6749 with PKCE, RFC 7636 S256): the authorization URL a user is sent to, the
// code exchange, the refresh and the revocation (RFC 7009). Answers are
// validated before use; a refused grant (invalid_grant, or GitHub's
// bad_refresh_token / bad_verification_code, which GitHub answers with 200)
// is told apart from an upstream that is down, because only the first breaks
// the user's connection.
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { UPSTREAM_HEADER_VALUE } from "../../core/controlplane/protocol";
import type { OAuthAccount } from "./account";

/** How long the upstream's token endpoint is waited for. */
export const UPSTREAM_TIMEOUT_MS = 10_000;

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function authorizationUrl(account: OAuthAccount, options: { redirectUri: string; state: string; challenge: string }): string {
  const url = new URL(account.authorize_url);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", account.client_id);
  url.searchParams.set("redirect_uri", options.redirectUri);
  if (account.scopes.length > 0) url.searchParams.set("scope", account.scopes.join(" "));
  url.searchParams.set("state", options.state);
  url.searchParams.set("code_challenge", options.challenge);
  url.searchParams.set("code_challenge_method", "S256");
  return url.href;
}

const tokenAnswerSchema = z.object({
  // What the gateway can send as a header value: an upstream's token it could never forward is refused at the exchange.
  access_token: z.string().min(1).max(8000).regex(UPSTREAM_HEADER_VALUE),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().int().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

export interface UpstreamTokens {
  accessToken: string;
  refreshToken?: string;
  expiresAt?: Date;
  /** What the upstream granted; when it does not say, what was asked for (RFC 6749 §5.1). */
  scopes?: string[];
}

/** The upstream refused the grant itself: the user must connect again. */
export class GrantRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "GrantRefused";
  }
}

/** The upstream could not be asked, or answered something unreadable: try again later, the connection stands. */
export class UpstreamUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UpstreamUnavailable";
  }
}

// Refusals of this user's grant. `unauthorized_client` is not one: it says the application is misconfigured, and
// would otherwise break every user's connection at once; it answers as an unavailable upstream instead.
const REFUSED_GRANT = new Set(["invalid_grant", "bad_refresh_token", "bad_verification_code"]);

function splitScopes(scope: string | undefined): string[] | undefined {
  return scope === undefined ? undefined : scope.split(/[\s,]+/).filter(Boolean);
}

async function postForm(url: string, form: Record<string, string>): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      // GitHub answers form-encoded unless JSON is asked for.
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams(form),
      redirect: "error",
      signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
    });
  } catch (error) {
    throw new UpstreamUnavailable(`the upstream's token endpoint could not be reached (${(error as Error).message})`);
  }
  const text = await response.text();
  try {
    return { status: response.status, body: text ? JSON.parse(text) : {} };
  } catch {
    return { status: response.status, body: Object.fromEntries(new URLSearchParams(text)) };
  }
}

async function requestTokens(account: OAuthAccount, clientSecret: string, grant: Record<string, string>, now: Date): Promise<UpstreamTokens> {
  // client_secret_post: what GitHub, Google and most upstreams accept alike.
  const { status, body } = await postForm(account.token_url, { ...grant, client_id: account.client_id, client_secret: clientSecret });
  const error = (body as { error?: unknown; error_description?: unknown }).error;
  if (typeof error === "string") {
    const description = (body as { error_description?: unknown }).error_description;
    const reason = typeof description === "string" && description ? `${error}: ${description}` : error;
    if (REFUSED_GRANT.has(error)) throw new GrantRefused(reason.slice(0, 300));
    throw new UpstreamUnavailable(`the upstream's token endpoint answered ${reason.slice(0, 300)}`);
  }
  const parsed = tokenAnswerSchema.safeParse(body);
  if (status !== 200 || !parsed.success) throw new UpstreamUnavailable(`the upstream's token endpoint answered HTTP ${status} without a usable token`);
  const tokens = parsed.data;
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: tokens.expires_in ? new Date(now.getTime() + tokens.expires_in * 1000) : undefined,
    scopes: splitScopes(tokens.scope),
  };
}

export function exchangeCode(account: OAuthAccount, clientSecret: string, code: { code: string; verifier: string; redirectUri: string }, now = new Date()) {
  return requestTokens(account, clientSecret, { grant_type: "authorization_code", code: code.code, code_verifier: code.verifier, redirect_uri: code.redirectUri }, now);
}

export function refreshTokens(account: OAuthAccount, clientSecret: string, refreshToken: string, now = new Date()) {
  return requestTokens(account, clientSecret, { grant_type: "refresh_token", refresh_token: refreshToken }, now);
}

/** RFC 7009, best effort: a disconnect forgets the tokens whether or not the upstream answers. */
export async function revokeAtUpstream(account: OAuthAccount, clientSecret: string, token: { value: string; hint: "refresh_token" | "access_token" }): Promise<boolean> {
  if (!account.revocation_url) return false;
  try {
    const { status } = await postForm(account.revocation_url, { token: token.value, token_type_hint: token.hint, client_id: account.client_id, client_secret: clientSecret });
    return status === 200;
  } catch {
    return false;
  }
}
