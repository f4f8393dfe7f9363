// The GitHub stand-in's authorization server, shaped like github.com/login/oauth
// for an OAuth app: one pre-registered confidential client (no dynamic
// registration), Authorization Code with PKCE (S256 required here), the token
// endpoint demanding client id *and* secret, RFC 8414 metadata. Like GitHub's
// expiring user tokens, an access token lasts 8 hours and comes with a
// refresh token; a refresh rotates both (the old pair stops working), and a
// revocation (RFC 7009) ends the whole grant — what a user does under
// "Authorized OAuth Apps". The authorize step approves at once — the demo's
// user is always signed in to "GitHub".
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { randomBase62 } from "../../lib/core/keys/base62";

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  /** Callback URLs as registered with the app; loopback ones accept any port (RFC 8252 §7.3, as GitHub does). */
  callbackUrls: string[];
}

export interface IssuedToken {
  login: string;
  scopes: string[];
}

interface HeldToken extends IssuedToken {
  /** The authorization a code started: a refresh and a revocation act on all of it. */
  grant: string;
  expiresAt: number;
}

interface PendingCode extends IssuedToken {
  redirectUri: string;
  challenge: string;
  expiresAt: number;
}

export interface OAuthResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const CODE_TTL_MS = 10 * 60_000;
/** GitHub's expiring user tokens: 8 hours, refreshable for 6 months. */
export const ACCESS_TOKEN_TTL_SECONDS = 8 * 3600;
const REFRESH_TOKEN_TTL_SECONDS = 182 * 86_400;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** GitHub-style token: prefix + 36 base62 characters. */
export function githubStyleToken(prefix: "gho" | "ghp" | "ghr"): string {
  return `${prefix}_${randomBase62(36)}`;
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}): OAuthResponse => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  body: JSON.stringify(body),
});

const errorPage = (message: string): OAuthResponse => ({
  status: 400,
  headers: { "content-type": "text/html; charset=utf-8" },
  body: `<!doctype html><title>Authorization error</title><h1>Authorization error</h1><p>${message.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`,
});

export class GitHubOAuthServer {
  readonly issuer: string;
  #codes = new Map<string, PendingCode>();
  #tokens = new Map<string, HeldToken>();
  #refreshTokens = new Map<string, HeldToken>();

  constructor(
    origin: string,
    private readonly app: OAuthApp,
    private readonly login: string,
    private readonly accessTokenTtlSeconds = ACCESS_TOKEN_TTL_SECONDS,
  ) {
    this.issuer = `${origin}/login/oauth`;
  }

  /** RFC 8414 metadata, served at /.well-known/oauth-authorization-server/login/oauth. */
  metadata() {
    return {
      issuer: this.issuer,
      authorization_endpoint: `${this.issuer}/authorize`,
      token_endpoint: `${this.issuer}/access_token`,
      revocation_endpoint: `${this.issuer}/revoke`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    };
  }

  /** Who a bearer token belongs to, or undefined. */
  verify(token: string): IssuedToken | undefined {
    const held = this.#tokens.get(token);
    return held && held.expiresAt > Date.now() ? { login: held.login, scopes: held.scopes } : undefined;
  }

  /** A personal access token (what an admin pastes to sync the tool list). */
  issuePersonalAccessToken(scopes = ["repo", "read:user", "read:org"]): string {
    const token = githubStyleToken("ghp");
    this.#tokens.set(token, { login: this.login, scopes, grant: token, expiresAt: Number.POSITIVE_INFINITY });
    return token;
  }

  #callbackAllows(redirectUri: string): boolean {
    let target: URL;
    try {
      target = new URL(redirectUri);
    } catch {
      return false;
    }
    return this.app.callbackUrls.some((registered) => {
      const callback = new URL(registered);
      const portMatches = LOOPBACK.has(callback.hostname) || callback.port === target.port;
      // GitHub: same host (and port), and the path equal to or below the callback's.
      return target.protocol === callback.protocol && target.hostname === callback.hostname && portMatches && target.pathname.startsWith(callback.pathname);
    });
  }

  authorize(url: URL): OAuthResponse {
    const params = url.searchParams;
    if (params.get("client_id") !== this.app.clientId) return errorPage("Unknown client_id: register an OAuth app first (this server has no dynamic client registration).");
    const redirectUri = params.get("redirect_uri") ?? this.app.callbackUrls[0]!;
    if (!this.#callbackAllows(redirectUri)) return errorPage("The redirect_uri is not associated with this application.");
    const back = (query: Record<string, string>) => {
      const target = new URL(redirectUri);
      for (const [key, value] of Object.entries(query)) target.searchParams.set(key, value);
      const state = params.get("state");
      if (state !== null) target.searchParams.set("state", state);
      return { status: 302, headers: { location: target.href, "cache-control": "no-store" }, body: "" };
    };
    const responseType = params.get("response_type");
    if (responseType !== null && responseType !== "code") return back({ error: "unsupported_response_type" });
    const challenge = params.get("code_challenge");
    if (!challenge || params.get("code_challenge_method") !== "S256")
      return back({ error: "invalid_request", error_description: "PKCE with code_challenge_method=S256 is required" });
    const code = randomBytes(10).toString("hex");
    const scopes = (params.get("scope") ?? "").split(/[\s,]+/).filter(Boolean);
    this.#codes.set(code, { login: this.login, scopes, redirectUri, challenge, expiresAt: Date.now() + CODE_TTL_MS });
    return back({ code });
  }

  /** The app's own request: client_secret_basic or client_secret_post; undefined when it is not. */
  #clientRefusal(headers: { authorization?: string }, form: URLSearchParams): OAuthResponse | undefined {
    let clientId = form.get("client_id");
    let clientSecret = form.get("client_secret");
    const basic = /^Basic\s+(.+)$/i.exec(headers.authorization ?? "");
    if (basic) {
      const decoded = Buffer.from(basic[1]!, "base64").toString();
      const cut = decoded.indexOf(":");
      clientId = decodeURIComponent(decoded.slice(0, cut));
      clientSecret = decodeURIComponent(decoded.slice(cut + 1));
    }
    if (clientId !== this.app.clientId || !clientSecret || !sameSecret(clientSecret, this.app.clientSecret)) {
      return json(401, { error: "invalid_client", error_description: "The client_id and/or client_secret passed are incorrect." }, { "www-authenticate": 'Basic realm="GitHub"' });
    }
    return undefined;
  }

  /** POST /login/oauth/access_token: form body; client_secret_basic or client_secret_post. */
  token(headers: { authorization?: string; accept?: string }, body: string): OAuthResponse {
    const form = new URLSearchParams(body);
    const refused = this.#clientRefusal(headers, form);
    if (refused) return refused;
    const grantType = form.get("grant_type");
    if (grantType === "refresh_token") return this.#refresh(form.get("refresh_token") ?? "", headers.accept);
    if (grantType !== null && grantType !== "authorization_code") return json(400, { error: "unsupported_grant_type" });
    const code = form.get("code") ?? "";
    const pending = this.#codes.get(code);
    this.#codes.delete(code);
    const invalidGrant = (why: string) => json(400, { error: "invalid_grant", error_description: why });
    if (!pending || pending.expiresAt < Date.now()) return invalidGrant("The code passed is incorrect or expired.");
    if ((form.get("redirect_uri") ?? pending.redirectUri) !== pending.redirectUri) return invalidGrant("The redirect_uri does not match the authorization request.");
    const verifier = form.get("code_verifier") ?? "";
    if (createHash("sha256").update(verifier).digest("base64url") !== pending.challenge) return invalidGrant("The code_verifier does not match the code_challenge.");

    return this.#grantTokens({ login: pending.login, scopes: pending.scopes, grant: randomBytes(8).toString("hex") }, headers.accept);
  }

  /** A refresh rotates the pair: the old access and refresh tokens stop working. */
  #refresh(refreshToken: string, accept: string | undefined): OAuthResponse {
    const held = this.#refreshTokens.get(refreshToken);
    if (!held || held.expiresAt < Date.now()) return json(400, { error: "invalid_grant", error_description: "The refresh token passed is incorrect or expired." });
    this.#endGrant(held.grant);
    return this.#grantTokens(held, accept);
  }

  #grantTokens(issued: IssuedToken & { grant: string }, accept: string | undefined): OAuthResponse {
    const now = Date.now();
    const accessToken = githubStyleToken("gho");
    const refreshToken = githubStyleToken("ghr");
    const identity = { login: issued.login, scopes: issued.scopes, grant: issued.grant };
    this.#tokens.set(accessToken, { ...identity, expiresAt: now + this.accessTokenTtlSeconds * 1000 });
    this.#refreshTokens.set(refreshToken, { ...identity, expiresAt: now + REFRESH_TOKEN_TTL_SECONDS * 1000 });
    const granted = {
      access_token: accessToken,
      token_type: "bearer",
      scope: issued.scopes.join(","),
      expires_in: String(this.accessTokenTtlSeconds),
      refresh_token: refreshToken,
      refresh_token_expires_in: String(REFRESH_TOKEN_TTL_SECONDS),
    };
    // GitHub answers form-encoded unless the client asks for JSON.
    if (accept?.includes("application/json")) return json(200, { ...granted, expires_in: this.accessTokenTtlSeconds, refresh_token_expires_in: REFRESH_TOKEN_TTL_SECONDS });
    return {
      status: 200,
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8", "cache-control": "no-store" },
      body: new URLSearchParams(granted).toString(),
    };
  }

  /** POST /login/oauth/revoke (RFC 7009): an access or refresh token of the app ends its whole grant; an unknown token is no error. */
  revoke(headers: { authorization?: string }, body: string): OAuthResponse {
    const form = new URLSearchParams(body);
    const refused = this.#clientRefusal(headers, form);
    if (refused) return refused;
    const token = form.get("token") ?? "";
    const held = this.#tokens.get(token) ?? this.#refreshTokens.get(token);
    if (held) this.#endGrant(held.grant);
    return { status: 200, headers: { "cache-control": "no-store" }, body: "" };
  }

  #endGrant(grant: string) {
    for (const tokens of [this.#tokens, this.#refreshTokens]) for (const [token, held] of tokens) if (held.grant === grant) tokens.delete(token);
  }
}
