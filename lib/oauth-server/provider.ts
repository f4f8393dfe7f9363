// The console's OAuth 2.1 authorization server for sign_in routes, on
// oidc-provider (certified; we configure it, we do not write OAuth by hand):
// authorization code with PKCE S256 for every client, RFC 8707 resource
// indicators with JWT access tokens (RFC 9068) whose `aud` is the sign_in
// route's URL, RFC 9207 `iss` in every authorization response, RFC 8414
// metadata, dynamic registration (RFC 7591) unless off, and Client ID Metadata
// Documents (fetched with oidc-provider's SSRF-protected fetch: 2.5 s timeout,
// no redirects, 5 KiB, cached per Cache-Control). The user signs in to the
// console itself (app/oauth/sign-in/[uid]); `sub` is the consumer they act as.
import Provider, { errors, type Configuration, type JWK } from "oidc-provider";
import { SIGN_IN_SCOPE } from "../core/config/schema";
import { consoleMasterKey } from "../console/vault/master-key";
import { db } from "../db/client";
import { PrismaOAuthAdapter, pruneOAuthRecords } from "./prisma-adapter";
import { clientStatus, pruneUnusedClients } from "./clients";
import { findSignInResource } from "./resources";
import { authorizationServerIssuer, readAuthorizationServerSettings } from "./settings";
import { prepareAuthorizationServer } from "./config-section";
import { currentSigningKey, SIGNING_ALGORITHM } from "./signing-keys";
import { oauthCookieKey } from "./interaction-cookie";
import { publishAfterWrite } from "../controlplane/publish-after-write";

const ACCESS_TOKEN_TTL_SECONDS = 3600;
const KEY_CHECK_MS = 60_000;
const PRUNE_MS = 3600_000;

const interactionPath = (uid: string) => `/oauth/sign-in/${uid}`;

/** The account a grant names, while it may still be used: an enabled consumer, and an enabled console user it was granted to. */
async function enabledAccount(username: string) {
  // A grant's account is the consumer named by the email of the user who allowed it (lib/oauth-server/sign-in.ts).
  const [consumer, users] = await Promise.all([
    db().consumer.findFirst({ where: { username, disabledAt: null }, select: { username: true } }),
    db().user.count({ where: { email: { equals: username, mode: "insensitive" }, disabledAt: null } }),
  ]);
  return consumer && users > 0 ? consumer : undefined;
}

function configuration(signingKey: JWK): Configuration {
  const settings = readAuthorizationServerSettings(process.env);
  return {
    adapter: PrismaOAuthAdapter,
    jwks: { keys: [signingKey] },
    cookies: { keys: [oauthCookieKey()] },
    responseTypes: ["code"],
    scopes: ["openid", "offline_access", SIGN_IN_SCOPE],
    pkce: { required: () => true },
    // The one signing key is ES256; oidc-provider's default for ID tokens is RS256.
    clientDefaults: {
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      id_token_signed_response_alg: SIGNING_ALGORITHM,
    },
    // Public clients in browsers (the MCP Inspector) call the token endpoint across origins; PKCE protects the code.
    clientBasedCORS: () => true,
    // Only the grant the user has just given counts, never one remembered in a session: every
    // authorization goes through the console's page, so a disabled user or consumer gets no new grant.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    async findAccount(_ctx, sub) {
      // A refresh for a consumer, or by a console user, since disabled or deleted fails with invalid_grant.
      const consumer = await enabledAccount(sub);
      return consumer ? { accountId: consumer.username, claims: () => ({ sub: consumer.username }) } : undefined;
    },
    interactions: { url: (_ctx, interaction) => interactionPath(interaction.uid) },
    ttl: { AccessToken: ACCESS_TOKEN_TTL_SECONDS, Interaction: 600, Session: 600, Grant: 30 * 24 * 3600, RefreshToken: 30 * 24 * 3600 },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: settings.registration !== "off", initialAccessToken: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        useGrantedResource: () => true,
        async getResourceServerInfo(ctx, resource, client) {
          // At the token endpoint (code and refresh): a client blocked after the consent gets no token, nor one the
          // console has no active record of. At the authorization endpoint the consent page refuses it, in words for the user.
          if (ctx.oidc.route === "token") {
            const status = await clientStatus(client.clientId);
            if (status === "blocked") throw new errors.InvalidClient("an administrator has blocked this MCP client");
            if (status !== "active") throw new errors.InvalidClient("this MCP client is not approved on this gateway");
          }
          const found = await findSignInResource(resource);
          if (!found) throw new errors.InvalidTarget(`${resource} is not a sign-in route of this gateway`);
          return {
            scope: SIGN_IN_SCOPE,
            audience: resource,
            accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: SIGNING_ALGORITHM } },
          };
        },
      },
      clientIdMetadataDocument: { enabled: true, ack: "draft-02" },
    },
    // Without the setting, oidc-provider's dispatcher refuses special-use addresses (loopback, private, link-local).
    fetch: (url: string | URL, options: RequestInit & { dispatcher?: unknown }) => fetch(url, settings.cimdPrivateAddresses ? { ...options, dispatcher: undefined } : options),
  } as Configuration;
}

interface LoadedProvider {
  provider: Provider;
  kid: string;
  checkedAt: number;
}

const globalForOAuth = globalThis as unknown as { portcullisOAuth?: Promise<LoadedProvider>; portcullisOAuthPrune?: NodeJS.Timeout };

async function loadProvider(): Promise<LoadedProvider> {
  // The first request of a console process opens the pool: on a busy machine Prisma's default wait (2 s) fails it with a 500.
  const changed = await db().$transaction((tx) => prepareAuthorizationServer(tx), { maxWait: 15_000, timeout: 30_000 });
  if (changed) await publishAfterWrite(undefined, "authorization server signing keys rotated");
  const key = await currentSigningKey(db(), consoleMasterKey());
  const provider = new Provider(authorizationServerIssuer(process.env), configuration(key));
  globalForOAuth.portcullisOAuthPrune ??= setInterval(
    () => void Promise.all([pruneOAuthRecords(), pruneUnusedClients()]).catch((error: Error) => console.error(`oauth: pruning failed: ${error.message}`)),
    PRUNE_MS,
  ).unref();
  return { provider, kid: String(key.kid), checkedAt: Date.now() };
}

/** The process's provider; rebuilt when the signing key changes (checked once a minute). */
export async function oauthProvider(): Promise<Provider> {
  let loaded = await (globalForOAuth.portcullisOAuth ??= loadProvider().catch((error: unknown) => {
    globalForOAuth.portcullisOAuth = undefined;
    throw error;
  }));
  if (Date.now() - loaded.checkedAt > KEY_CHECK_MS) {
    loaded.checkedAt = Date.now();
    const next = loadProvider();
    const fresh = await next;
    if (fresh.kid !== loaded.kid) {
      globalForOAuth.portcullisOAuth = next;
      loaded = fresh;
    }
  }
  return loaded.provider;
}
