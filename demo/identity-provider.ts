// The organisation's IdP, for the demo and for the gateway's token_swap tests:
// panva's oidc-provider (certified OpenID Provider) with
// - a confidential client whose credentials the gateway uses to introspect;
// - a public client (Authorization Code + PKCE, resource indicators) for MCP
//   clients, loopback redirect URIs on any port (RFC 8252);
// - optionally a client-credentials client, to mint tokens for other audiences;
// - optionally a confidential web client for single sign-on (the console's),
//   whose ID token and userinfo carry the account's `groups` (scope "groups");
// - optionally a token-exchange client (RFC 8693, a grant oidc-provider lacks,
//   registered here): it trades a user's access token for one issued to
//   another resource, naming the same user — and, given an actor token (an
//   active access token of this IdP), who acts for them (`act`, RFC 8693 §4.1).
// Resources whose URL ends in "-jwt", or that are named in `jwtResources`, get JWT access tokens (at+jwt, RS256);
// all others get opaque tokens (introspection). Access tokens carry the
// signed-in account's `groups`.
//
// Sign-in: with `accounts`, a login page (username and password; a plain HTML
// form a script can fill in as well as a person); without, no page at all:
// `user` signs in at once (tests choose who before each flow).
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, importJWK, jwtVerify, type CryptoKey, type JWK } from "jose";
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from "oidc-provider";

export interface OAuthClientCredentials {
  id: string;
  secret: string;
}

/** Defaults of the gateway tests (nothing else should rely on them). */
export const GATEWAY_CLIENT: OAuthClientCredentials = { id: "gateway", secret: "gateway-introspection-secret-1" };
export const PUBLIC_CLIENT_ID = "mcp-client";
export const MACHINE_CLIENT: OAuthClientCredentials = { id: "machine", secret: "machine-secret-1" };
export const EXCHANGE_CLIENT: OAuthClientCredentials = { id: "gateway-exchange", secret: "gateway-exchange-secret-1" };
export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
export const REDIRECT_URI = "http://127.0.0.1/callback";

export interface IdpAccount {
  /** The `sub` of the account's tokens, and its username on the login page. */
  id: string;
  password: string;
  name: string;
  email: string;
  groups: string[];
}

export interface IdentityProviderOptions {
  /** Default 127.0.0.1 and a free port. */
  host?: string;
  port?: number;
  introspectionClient?: OAuthClientCredentials;
  publicClient?: { id: string; redirectUris: string[] };
  /** A client_credentials client; none unless given. */
  machineClient?: OAuthClientCredentials;
  /** A client allowed RFC 8693 token exchange (the gateway's); none unless given. */
  exchangeClient?: OAuthClientCredentials;
  /** A confidential client signing people in to a web application (the console's single sign-on); none unless given. */
  webClient?: OAuthClientCredentials & { redirectUris: string[] };
  /** People who may sign in on the login page. Without, `user` signs in with no page. */
  accounts?: IdpAccount[];
  /** A line shown under the login form (the demo names its account there). */
  loginHint?: string;
  /** Lets MCP clients such as VS Code register themselves (RFC 7591). */
  dynamicRegistration?: boolean;
  /** Resources whose access tokens are JWTs (besides URLs ending in "-jwt"): servers that verify tokens themselves. */
  jwtResources?: string[];
  /** The RS256 private key (JWK with `kid`) that signs its tokens; generated when absent. A restarted IdP given the same key keeps its JWKS. */
  signingKey?: JWK;
}

export interface IdentityProvider {
  issuer: string;
  introspectionEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  /** The RS256 key pair that signs JWT access tokens (to forge expired or mis-signed tokens in tests). */
  signingKey: { privateJwk: JWK; publicJwk: JWK; kid: string };
  /** Without `accounts`: who signs in at the next authorization, and the groups their tokens carry. */
  user: { id: string; groups: string[] };
  /** Requests per path, e.g. how often the gateway introspected. */
  hits: Map<string, number>;
  /** While set, requests to the IdP get no answer (a slow IdP). */
  stall: boolean;
  /** Token exchange requests received (granted or not). */
  exchangeRequests: number;
  /** A token of the machine client (sub: its id) for `resource`. */
  clientCredentialsToken(resource: string, scope?: string): Promise<string>;
  /** Revokes a machine client's token. */
  revoke(token: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * oidc-provider's storage (sessions, interactions, codes, grants, tokens), in
 * this process's memory on purpose: a stand-in IdP's state ends with it. One
 * store per IdP instance; entries expire with their artifact.
 */
function memoryAdapter() {
  const entries = new Map<string, { payload: Record<string, unknown>; expiresAt: number }>();
  const byUid = new Map<string, string>();
  const byGrant = new Map<string, Set<string>>();
  return class MemoryStore {
    constructor(private readonly model: string) {}
    #key = (id: string) => `${this.model}:${id}`;
    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
      const key = this.#key(id);
      entries.set(key, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY });
      if (typeof payload.uid === "string") byUid.set(payload.uid, id);
      if (typeof payload.grantId === "string") byGrant.set(payload.grantId, (byGrant.get(payload.grantId) ?? new Set()).add(key));
    }
    async find(id: string) {
      const entry = entries.get(this.#key(id));
      if (!entry) return undefined;
      if (entry.expiresAt > Date.now()) return entry.payload;
      entries.delete(this.#key(id));
      return undefined;
    }
    async findByUid(uid: string) {
      const id = byUid.get(uid);
      return id === undefined ? undefined : this.find(id);
    }
    async findByUserCode() {
      return undefined;
    }
    async consume(id: string) {
      const entry = entries.get(this.#key(id));
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      entries.delete(this.#key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const key of byGrant.get(grantId) ?? []) entries.delete(key);
      byGrant.delete(grantId);
    }
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(options: { uid: string; client: string; resource: string | undefined; error?: string; hint?: string; username?: string }): string {
  const uid = escapeHtml(options.uid);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in — organisation IdP</title>
<style>body{font:15px system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;color:#18181b}
label{display:block;margin:.75rem 0 .25rem}input{width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b91c1c}.hint{color:#52525b;font-size:13px}</style></head>
<body><p class="hint">Organisation IdP</p><h1>Sign in</h1>
<p><strong>${escapeHtml(options.client)}</strong> asks to act for you${options.resource ? ` at <code>${escapeHtml(options.resource)}</code>` : ""}.</p>
${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ""}
<form method="post" action="/interaction/${uid}/login">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" value="${escapeHtml(options.username ?? "")}" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
${options.hint ? `<p class="hint">${escapeHtml(options.hint)}</p>` : ""}
</body></html>`;
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function resourceServerInfo(resource: string, jwtResources: ReadonlySet<string>) {
  return {
    scope: "mcp",
    audience: resource,
    accessTokenTTL: 3600,
    accessTokenFormat: resource.endsWith("-jwt") || jwtResources.has(resource) ? ("jwt" as const) : ("opaque" as const),
    jwt: { sign: { alg: "RS256" as const } },
  };
}

/**
 * Who an access token of this IdP names, and the grant an opaque one belongs to (so revoking the
 * grant revokes what was exchanged for it). JWTs are verified with the IdP's key: oidc-provider
 * does not store them by value.
 */
async function subjectOf(provider: Provider, issuer: string, publicKey: CryptoKey, token: string): Promise<{ accountId: string; grantId?: string } | undefined> {
  if (token.split(".").length === 3) {
    const verified = await jwtVerify(token, publicKey, { issuer, algorithms: ["RS256"], typ: "at+jwt", requiredClaims: ["exp", "sub"] }).catch(() => undefined);
    return verified?.payload.sub === undefined ? undefined : { accountId: verified.payload.sub };
  }
  const user = await provider.AccessToken.find(token);
  if (user) return { accountId: user.accountId, grantId: user.grantId };
  const machine = await provider.ClientCredentials.find(token);
  return machine?.clientId === undefined ? undefined : { accountId: machine.clientId };
}

/**
 * RFC 8693 token exchange for access tokens: the subject token must be an
 * active access token of this IdP; the new token is issued to the requested
 * `resource` (or `audience`) for the same subject, with the resource's scope.
 */
function registerTokenExchange(provider: Provider, issuer: string, publicKey: CryptoKey, jwtResources: ReadonlySet<string>, counted: () => void) {
  const parameters = ["subject_token", "subject_token_type", "requested_token_type", "audience", "resource", "scope", "actor_token", "actor_token_type"];
  provider.registerGrantType(
    TOKEN_EXCHANGE_GRANT,
    async (ctx: KoaContextWithOIDC) => {
      counted();
      const params = ctx.oidc.params as Record<string, string | undefined>;
      if (params.subject_token_type !== ACCESS_TOKEN_TYPE) throw new errors.InvalidRequest("subject_token_type must be an access token");
      if (params.requested_token_type !== undefined && params.requested_token_type !== ACCESS_TOKEN_TYPE) throw new errors.InvalidRequest("only access tokens are issued");
      const target = params.resource ?? params.audience;
      if (!target) throw new errors.InvalidTarget("name the resource or audience the token is for");
      const subject = await subjectOf(provider, issuer, publicKey, params.subject_token!);
      if (!subject) throw new errors.InvalidGrant("subject_token is not an active access token of this IdP");
      // RFC 8693 §2.1: actor_token_type is required with an actor_token.
      if (params.actor_token !== undefined && params.actor_token_type !== ACCESS_TOKEN_TYPE) throw new errors.InvalidRequest("actor_token_type must be an access token");
      const actor = params.actor_token === undefined ? undefined : await subjectOf(provider, issuer, publicKey, params.actor_token);
      if (params.actor_token !== undefined && !actor) throw new errors.InvalidGrant("actor_token is not an active access token of this IdP");
      const info = resourceServerInfo(target, jwtResources);
      const scope = (params.scope ?? info.scope)
        .split(" ")
        .filter((s) => info.scope.split(" ").includes(s))
        .join(" ");
      // (The types make grantId required; oidc-provider itself treats it as optional.)
      const token = new provider.AccessToken({ ...subject, grantId: subject.grantId!, client: ctx.oidc.client!, gty: "token_exchange", scope: scope || undefined });
      token.resourceServer = new provider.ResourceServer(target, info);
      // Read by extraTokenClaims when the token is saved: the `act` claim names the actor.
      if (actor) (token as unknown as { actor: string }).actor = actor.accountId;
      const value = await token.save();
      ctx.body = { access_token: value, issued_token_type: ACCESS_TOKEN_TYPE, token_type: "Bearer", expires_in: token.expiration, scope: token.scope };
    },
    parameters,
  );
}

const ownTokensUnlessConfidential = async (_ctx: KoaContextWithOIDC, client: { clientAuthMethod: string; clientId: string }, token: { clientId?: string }) =>
  client.clientAuthMethod !== "none" || token.clientId === client.clientId;

export async function startIdentityProvider(options: IdentityProviderOptions = {}): Promise<IdentityProvider> {
  const introspectionClient = options.introspectionClient ?? GATEWAY_CLIENT;
  const publicClient = options.publicClient ?? { id: PUBLIC_CLIENT_ID, redirectUris: [REDIRECT_URI] };
  const accounts = options.accounts ? new Map(options.accounts.map((a) => [a.id, a])) : undefined;
  const jwtResources = new Set(options.jwtResources ?? []);

  const kid = options.signingKey?.kid ?? "idp-key-1";
  const privateJwk = { ...(options.signingKey ?? (await exportJWK((await generateKeyPair("RS256", { extractable: true })).privateKey))), kid, alg: "RS256", use: "sig" };
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  const publicKey = (await importJWK(publicJwk, "RS256")) as CryptoKey;

  const server = http.createServer();
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  const state: Pick<IdentityProvider, "user" | "hits" | "stall" | "exchangeRequests"> = { user: { id: "alice", groups: [] }, hits: new Map(), stall: false, exchangeRequests: 0 };
  const groupsOf = (accountId: string) => (accounts ? (accounts.get(accountId)?.groups ?? []) : state.user.groups);

  const clients: object[] = [
    { client_id: introspectionClient.id, client_secret: introspectionClient.secret, grant_types: [], response_types: [], redirect_uris: [] },
    {
      client_id: publicClient.id,
      token_endpoint_auth_method: "none",
      application_type: "native",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      redirect_uris: publicClient.redirectUris,
    },
  ];
  if (options.machineClient) {
    clients.push({ client_id: options.machineClient.id, client_secret: options.machineClient.secret, grant_types: ["client_credentials"], response_types: [], redirect_uris: [] });
  }
  if (options.exchangeClient) {
    clients.push({
      client_id: options.exchangeClient.id,
      client_secret: options.exchangeClient.secret,
      grant_types: [TOKEN_EXCHANGE_GRANT],
      response_types: [],
      redirect_uris: [],
    });
  }

  if (options.webClient) {
    const { id, secret, redirectUris } = options.webClient;
    clients.push({ client_id: id, client_secret: secret, grant_types: ["authorization_code"], response_types: ["code"], redirect_uris: redirectUris });
  }

  // (The published types lag oidc-provider 9 in places, e.g. features.introspection.)
  const configuration = {
    adapter: memoryAdapter(),
    clients,
    jwks: { keys: [privateJwk] },
    // "mcp" is granted per resource (getResourceServerInfo); listed here too so clients that register
    // themselves with the scope the gateway's metadata names are accepted.
    scopes: ["openid", "offline_access", "email", "profile", "groups", "mcp"],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    features: {
      devInteractions: { enabled: false },
      // A public client may introspect or revoke only its own tokens; a confidential one (the gateway, the machine client) any.
      introspection: { enabled: true, allowedPolicy: ownTokensUnlessConfidential },
      revocation: { enabled: true, allowedPolicy: ownTokensUnlessConfidential },
      clientCredentials: { enabled: options.machineClient !== undefined },
      registration: { enabled: options.dynamicRegistration === true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx: KoaContextWithOIDC, _client: unknown, oneOf?: string[]) => oneOf?.[0],
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: KoaContextWithOIDC, resource: string) => resourceServerInfo(resource, jwtResources),
      },
    },
    ttl: {
      AccessToken: (_ctx: KoaContextWithOIDC, token: { resourceServer?: { accessTokenTTL?: number } }) => token.resourceServer?.accessTokenTTL ?? 3600,
      AuthorizationCode: 60,
      ClientCredentials: 600,
      IdToken: 3600,
      RefreshToken: 24 * 3600,
      Interaction: 600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
    },
    extraTokenClaims: (_ctx: KoaContextWithOIDC, token: { accountId?: string; actor?: string }) =>
      token.accountId ? { groups: groupsOf(token.accountId), ...(token.actor ? { act: { sub: token.actor } } : {}) } : undefined,
    findAccount: (_ctx: KoaContextWithOIDC, sub: string) => ({
      accountId: sub,
      claims: () => {
        const account = accounts?.get(sub);
        // The demo's addresses are the IdP's own: verified, as an organisation's IdP says of its users' (lib/auth/sso-sign-in.ts).
        return account ? { sub, name: account.name, email: account.email, email_verified: true, groups: account.groups } : { sub, groups: groupsOf(sub) };
      },
    }),
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
  };
  const provider = new Provider(issuer, configuration as unknown as Configuration);
  registerTokenExchange(provider, issuer, publicKey, jwtResources, () => state.exchangeRequests++);
  const callback = provider.callback();

  /** Grants what the client asked for — the OpenID scopes and "mcp" at each requested resource — to `accountId`. */
  async function finishSignIn(req: http.IncomingMessage, res: http.ServerResponse, accountId: string) {
    const details = await provider.interactionDetails(req, res);
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id as string });
    grant.addOIDCScope(["openid offline_access email profile", details.params.scope].filter(Boolean).join(" "));
    const resources = details.params.resource === undefined ? [] : ([] as string[]).concat(details.params.resource as string | string[]);
    for (const resource of resources) grant.addResourceScope(resource, "mcp");
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  async function interaction(req: http.IncomingMessage, res: http.ServerResponse, submitted: boolean) {
    if (!accounts) return finishSignIn(req, res, state.user.id);
    const details = await provider.interactionDetails(req, res);
    const page = (status: number, extra: { error?: string; username?: string } = {}) => {
      const resource = details.params.resource === undefined ? undefined : String(details.params.resource);
      res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(loginPage({ uid: details.uid, client: String(details.params.client_id), resource, hint: options.loginHint, ...extra }));
    };
    if (!submitted) return page(200);
    const form = await readForm(req);
    const username = form.get("username") ?? "";
    const account = accounts.get(username);
    if (!account || account.password !== form.get("password")) return page(401, { error: "Unknown username or wrong password.", username });
    await finishSignIn(req, res, account.id);
  }

  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = req.url!.split("?")[0]!;
    state.hits.set(path, (state.hits.get(path) ?? 0) + 1);
    if (state.stall) return;
    const match = /^\/interaction\/[^/]+(\/login)?$/.exec(path);
    if (match) {
      interaction(req, res, req.method === "POST" && match[1] !== undefined).catch((error: Error) => {
        if (res.headersSent) return res.destroy();
        res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
        res.end(`Sign-in failed: ${error.message}`);
      });
      return;
    }
    // Koa's handler answers its own errors (ctx.onerror): the promise it returns never rejects.
    void callback(req, res);
  });

  const metadata = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
  const basic = ({ id, secret }: OAuthClientCredentials) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
  const machine = () => {
    if (!options.machineClient) throw new Error("this IdP has no machine client");
    return options.machineClient;
  };

  return Object.assign(state, {
    issuer,
    introspectionEndpoint: metadata.introspection_endpoint!,
    tokenEndpoint: metadata.token_endpoint!,
    jwksUri: metadata.jwks_uri!,
    signingKey: { privateJwk, publicJwk, kid },
    async clientCredentialsToken(resource: string, scope = "mcp") {
      const response = await fetch(metadata.token_endpoint!, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic(machine()) },
        body: new URLSearchParams({ grant_type: "client_credentials", resource, scope }),
      });
      const body = (await response.json()) as { access_token?: string };
      if (!body.access_token) throw new Error(`client_credentials failed: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    async revoke(token: string) {
      const response = await fetch(metadata.revocation_endpoint!, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic(machine()) },
        body: new URLSearchParams({ token }),
      });
      if (response.status !== 200) throw new Error(`revocation answered ${response.status}`);
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}
