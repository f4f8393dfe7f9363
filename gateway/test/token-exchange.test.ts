// token_swap routes whose upstream credential is an RFC 8693 token exchange at
// the organisation's IdP (oidc-provider, with the demo's token-exchange grant):
// the upstream receives a token the IdP issued for it, naming the user; the
// caller's own token never goes upstream; exchanges are cached per user token;
// a refused or failed exchange is a 502 and nothing is forwarded.
import { SignJWT, decodeJwt, importJWK, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectWithOAuth } from "../../demo/headless-oauth";
import { EXCHANGE_CLIENT, GATEWAY_CLIENT, MACHINE_CLIENT, PUBLIC_CLIENT_ID, REDIRECT_URI, startIdentityProvider, type IdentityProvider } from "../../demo/identity-provider";
import { findFreePort } from "../../lib/net/ports";
import { fakeMcpServer } from "./support/fake-mcp-server";
import { startRecordingUpstream, type RecordingUpstream } from "./support/recording-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

/** The upstream's resource at the IdP (names ending in -jwt get JWTs, so the test can read what arrived). */
const UPSTREAM_RESOURCE = "https://konnect.upstream.test/mcp-jwt";
const ENV: Record<string, string> = { OAUTH_CLIENT_SECRET: GATEWAY_CLIENT.secret, EXCHANGE_CLIENT_SECRET: EXCHANGE_CLIENT.secret, FORGED_ACTOR_TOKEN: "not-a-token-of-the-idp" };

let idp: IdentityProvider;
let upstream: RecordingUpstream;
let gw: TestGateway;
let unusedPort: number;

function route(name: string, exchange: Record<string, unknown>, auth: Record<string, unknown> = {}) {
  return {
    name,
    path: `/${name}`,
    upstream: upstream.url,
    auth: {
      mode: "token_swap",
      issuer: idp.issuer,
      introspection: { endpoint: idp.introspectionEndpoint, client_id: GATEWAY_CLIENT.id, client_secret: "{vault://env/OAUTH_CLIENT_SECRET}" },
      jwks: { uri: idp.jwksUri },
      scopes_supported: ["mcp"],
      required_scopes: ["mcp"],
      consumer_groups_claim: "groups",
      ...auth,
    },
    upstream_credential: {
      token_exchange: {
        endpoint: idp.tokenEndpoint,
        client_id: EXCHANGE_CLIENT.id,
        client_secret: "{vault://env/EXCHANGE_CLIENT_SECRET}",
        resource: UPSTREAM_RESOURCE,
        scope: "mcp",
        ...exchange,
      },
    },
    acl: { default: { deny: ["developer"] }, tools: [{ name: "search_repositories", allow: ["developer"] }] },
  };
}

beforeAll(async () => {
  idp = await startIdentityProvider({ exchangeClient: EXCHANGE_CLIENT, machineClient: MACHINE_CLIENT });
  // The gateway's own service token, which it presents as the actor (RFC 8693 §2.1).
  ENV.ACTOR_TOKEN = await idp.clientCredentialsToken("https://gateway.portcullis.test/actor");
  upstream = await startRecordingUpstream(fakeMcpServer);
  unusedPort = await findFreePort();
  gw = await startTestGateway(
    (url: string) => ({
      version: 1,
      gateway: { public_url: url },
      consumer_groups: [{ name: "developer" }],
      consumers: [
        { username: "alice", groups: ["developer"] },
        { username: "bob", groups: ["developer"] },
      ],
      servers: [
        route("konnect", {}),
        route("konnect-post", { auth_method: "client_secret_post" }),
        // The introspection client is not allowed the token-exchange grant: the IdP refuses.
        route("refused", { client_id: GATEWAY_CLIENT.id, client_secret: "{vault://env/OAUTH_CLIENT_SECRET}" }),
        route("idp-down", { endpoint: `http://127.0.0.1:${unusedPort}/token` }),
        route("with-actor", { actor_token: "{vault://env/ACTOR_TOKEN}" }),
        route("forged-actor", { actor_token: "{vault://env/FORGED_ACTOR_TOKEN}" }),
      ],
    }),
    { env: ENV },
  );
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await idp?.close();
});

const list = '{"jsonrpc":"2.0","id":1,"method":"tools/list"}';
function post(path: string, token: string) {
  return fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${token}` },
    body: list,
  });
}

/** A user's JWT access token for a route, signed by the IdP's key (the IdP accepts it as a subject token). */
async function userToken(sub: string, path: string) {
  const key = await importJWK(idp.signingKey.privateJwk, "RS256");
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub, scope: "mcp", iss: idp.issuer, aud: `${gw.url}${path}`, iat: now - 5, exp: now + 600 })
    .setProtectedHeader({ alg: "RS256", typ: "at+jwt", kid: idp.signingKey.kid })
    .sign(key);
}

/** The token the upstream received, verified as the IdP's own. */
async function exchangedTokenAt(index: number) {
  const authorization = upstream.requests.at(index)!.headers.authorization!;
  expect(authorization).toMatch(/^Bearer /);
  const token = authorization.slice("Bearer ".length);
  const key = await importJWK(idp.signingKey.publicJwk, "RS256");
  await jwtVerify(token, key, { issuer: idp.issuer, audience: UPSTREAM_RESOURCE });
  return { token, claims: decodeJwt(token) };
}

/** The user's token never reaches the upstream; no token or secret is in the audit, the log or /status. */
function expectNeverLeaked(userToken: string, ...secrets: string[]) {
  const upstreamSaw = JSON.stringify(upstream.requests.map((r) => ({ h: r.headers, b: r.body })));
  expect(upstreamSaw).not.toContain(userToken);
  const gatewayWrote = JSON.stringify(gw.audit.events) + JSON.stringify(gw.logs) + JSON.stringify(gw.gateway.status());
  for (const secret of [userToken, ...secrets]) expect(gatewayWrote).not.toContain(secret);
}

describe("token exchange", () => {
  it("end to end with the SDK client's OAuth: the upstream gets a token the IdP issued for it, naming the user", async () => {
    idp.user = { id: "alice", groups: [] };
    const { client, accessToken } = await connectWithOAuth(`${gw.url}/konnect`, { client: { clientId: PUBLIC_CLIENT_ID, redirectUri: REDIRECT_URI } });
    const before = upstream.requests.length;
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["search_repositories"]);
    expect(JSON.stringify((await client.callTool({ name: "search_repositories", arguments: {} })).content)).toContain("called search_repositories");
    expect(upstream.requests.length).toBeGreaterThan(before);

    const { token, claims } = await exchangedTokenAt(-1);
    expect(token).not.toBe(accessToken);
    expect(claims).toMatchObject({ sub: "alice", aud: UPSTREAM_RESOURCE, client_id: EXCHANGE_CLIENT.id, scope: "mcp" });
    const event = await gw.audit.next((e) => e.server === "konnect" && e.tool === "search_repositories");
    expect(event).toMatchObject({ consumer: "alice", end_user: "alice", decision: "allow", upstream_identity: `token_exchange:${UPSTREAM_RESOURCE}` });
    expectNeverLeaked(accessToken, token, EXCHANGE_CLIENT.secret, GATEWAY_CLIENT.secret);
    await client.close();
  });

  it("caches the exchange per user token: two calls, one exchange; another user's token, another exchange", async () => {
    const alice = await userToken("alice", "/konnect-post");
    const exchangesBefore = idp.exchangeRequests;
    expect((await post("/konnect-post", alice)).status).toBe(200);
    const first = await exchangedTokenAt(-1);
    expect((await post("/konnect-post", alice)).status).toBe(200);
    const second = await exchangedTokenAt(-1);
    expect(idp.exchangeRequests - exchangesBefore).toBe(1);
    expect(second.token).toBe(first.token);
    expect(first.claims.sub).toBe("alice");

    expect((await post("/konnect-post", await userToken("bob", "/konnect-post"))).status).toBe(200);
    const bobs = await exchangedTokenAt(-1);
    expect(idp.exchangeRequests - exchangesBefore).toBe(2);
    expect(bobs.claims.sub).toBe("bob");
    expectNeverLeaked(alice);
  });

  it("the IdP refusing the exchange → 502 token_exchange_failed, nothing forwarded", async () => {
    const before = upstream.requests.length;
    const exchangesBefore = idp.exchangeRequests;
    const token = await userToken("alice", "/refused");
    const response = await post("/refused", token);
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ id: 1, error: { code: -32603, data: { reason: "token_exchange_failed" } } });
    expect(upstream.requests.length).toBe(before);
    expect(idp.exchangeRequests - exchangesBefore).toBe(0);
    const event = await gw.audit.next((e) => e.server === "refused");
    expect(event).toMatchObject({ decision: "error", reason: "token_exchange_failed", status: 502, consumer: "alice" });
    expect(gw.logs.find((l) => l.fields.reason === "token_exchange_failed")?.fields.detail).toBe("token exchange answered HTTP 400 invalid_request");
    expectNeverLeaked(token);
  });

  it("with an actor token, the upstream's token names the user and, in `act`, the gateway acting for them", async () => {
    const token = await userToken("alice", "/with-actor");
    expect((await post("/with-actor", token)).status).toBe(200);
    const { claims } = await exchangedTokenAt(-1);
    expect(claims).toMatchObject({ sub: "alice", aud: UPSTREAM_RESOURCE, act: { sub: MACHINE_CLIENT.id } });
    expectNeverLeaked(token, ENV.ACTOR_TOKEN!);
  });

  it("an actor token the IdP does not accept → 502 token_exchange_failed, nothing forwarded", async () => {
    const before = upstream.requests.length;
    const response = await post("/forged-actor", await userToken("alice", "/forged-actor"));
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: { data: { reason: "token_exchange_failed" } } });
    expect(upstream.requests.length).toBe(before);
    expect(gw.logs.find((l) => l.fields.reason === "token_exchange_failed" && String(l.fields.detail).includes("invalid_grant"))).toBeDefined();
  });

  it("an unreachable IdP token endpoint → 502 token_exchange_failed, nothing forwarded", async () => {
    const before = upstream.requests.length;
    const response = await post("/idp-down", await userToken("alice", "/idp-down"));
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: { data: { reason: "token_exchange_failed" } } });
    expect(upstream.requests.length).toBe(before);
  });
});
