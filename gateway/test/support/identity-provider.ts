// The organisation's IdP for token_swap tests: panva's oidc-provider with
// - "gateway": a confidential client whose credentials the gateway uses to introspect;
// - "mcp-client": a public client (Authorization Code + PKCE, resource indicators) for the SDK;
// - "machine": a client-credentials client, to mint tokens for other audiences.
// Resources whose URL ends in "-jwt" get JWT access tokens (at+jwt, signed with
// the IdP's RS256 key); all others get opaque tokens (introspection).
// Interactions are finished programmatically: the account logging in is `user`.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";


export const GATEWAY_CLIENT = { id: "gateway", secret: "gateway-introspection-secret-1" };
export const PUBLIC_CLIENT_ID = "mcp-client";
export const MACHINE_CLIENT = { id: "machine", secret: "machine-secret-1" };
export const REDIRECT_URI = "http://127.0.0.1/callback";

export interface IdentityProvider {
  issuer: string;
  introspectionEndpoint: string;
  jwksUri: string;
  /** The RS256 key pair that signs JWT access tokens (to forge expired or mis-signed tokens in tests). */
  signingKey: { privateJwk: JWK; publicJwk: JWK; kid: string };
  /** Who logs in at the next interaction, and the groups the tokens carry for them. */
  user: { id: string; groups: string[] };
  /** Requests per path, e.g. how often the gateway introspected. */
  hits: Map<string, number>;
  /** While set, requests to the IdP get no answer (a slow IdP). */
  stall: boolean;
  /** A token of the "machine" client (sub: "machine") for `resource`. */
  clientCredentialsToken(resource: string, scope?: string): Promise<string>;
  /** Revokes a "machine" token. */
  revoke(token: string): Promise<void>;
  close(): Promise<void>;
}

export async function startIdentityProvider(): Promise<IdentityProvider> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = "idp-key-1";
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: "RS256", use: "sig" };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: Pick<IdentityProvider, "user" | "hits" | "stall"> = { user: { id: "alice", groups: [] }, hits: new Map(), stall: false };

  // (The published types lag oidc-provider 9 in places, e.g. features.introspection.)
  const configuration = {
    clients: [
      { client_id: GATEWAY_CLIENT.id, client_secret: GATEWAY_CLIENT.secret, grant_types: [], response_types: [], redirect_uris: [] },
      { client_id: PUBLIC_CLIENT_ID, token_endpoint_auth_method: "none", application_type: "native", grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], redirect_uris: [REDIRECT_URI] },
      { client_id: MACHINE_CLIENT.id, client_secret: MACHINE_CLIENT.secret, grant_types: ["client_credentials"], response_types: [], redirect_uris: [] },
    ],
    jwks: { keys: [privateJwk] },
    // "mcp" is a resource server scope (getResourceServerInfo), not an OpenID Connect one.
    scopes: ["openid", "offline_access"],
    cookies: { keys: ["test-cookie-key"] },
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx: KoaContextWithOIDC, _client: unknown, oneOf?: string[]) => oneOf?.[0] ?? (undefined as unknown as string),
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: KoaContextWithOIDC, resource: string) => ({
          scope: "mcp",
          audience: resource,
          accessTokenTTL: 3600,
          accessTokenFormat: resource.endsWith("-jwt") ? "jwt" : "opaque",
          jwt: { sign: { alg: "RS256" } },
        }),
      },
    },
    extraTokenClaims: (_ctx: KoaContextWithOIDC, token: { accountId?: string }) => (token.accountId ? { groups: state.user.groups } : undefined),
    findAccount: (_ctx: KoaContextWithOIDC, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
  };
  const provider = new Provider(issuer, configuration as unknown as Configuration);
  const callback = provider.callback();

  /** Logs `state.user` in and grants what the client asked for, without a page. */
  async function finishInteraction(req: http.IncomingMessage, res: http.ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    const accountId = state.user.id;
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id as string });
    grant.addOIDCScope("openid offline_access");
    const resources = details.params.resource === undefined ? [] : ([] as string[]).concat(details.params.resource as string | string[]);
    for (const resource of resources) grant.addResourceScope(resource, "mcp");
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = req.url!.split("?")[0]!;
    state.hits.set(path, (state.hits.get(path) ?? 0) + 1);
    if (state.stall) return;
    if (path.startsWith("/interaction/")) {
      finishInteraction(req, res).catch((error: Error) => {
        res.writeHead(500);
        res.end(error.message);
      });
      return;
    }
    callback(req, res);
  });

  const metadata = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

  return Object.assign(state, {
    issuer,
    introspectionEndpoint: metadata.introspection_endpoint!,
    jwksUri: metadata.jwks_uri!,
    signingKey: { privateJwk, publicJwk, kid },
    async clientCredentialsToken(resource: string, scope = "mcp") {
      const response = await fetch(metadata.token_endpoint!, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic(MACHINE_CLIENT.id, MACHINE_CLIENT.secret) },
        body: new URLSearchParams({ grant_type: "client_credentials", resource, scope }),
      });
      const body = (await response.json()) as { access_token?: string };
      if (!body.access_token) throw new Error(`client_credentials failed: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    async revoke(token: string) {
      const response = await fetch(metadata.revocation_endpoint!, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic(MACHINE_CLIENT.id, MACHINE_CLIENT.secret) },
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
