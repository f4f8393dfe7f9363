// token_swap routes against a real IdP (oidc-provider) and the SDK client's own
// OAuth support: discovery through the gateway, PKCE, resource indicators,
// opaque tokens (introspection) and JWT access tokens (JWKS); the upstream gets
// the stored credential and never the user's token; bad tokens are refused.
import http from "node:http";
import { SignJWT, UnsecuredJWT, importJWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../lib/net/ports";
import { fakeMcpServer } from "./support/fake-mcp-server";
import { connectWithOAuth } from "../../demo/headless-oauth";
import { GATEWAY_CLIENT, MACHINE_CLIENT, PUBLIC_CLIENT_ID, REDIRECT_URI, startIdentityProvider, type IdentityProvider } from "../../demo/identity-provider";
import { startRecordingUpstream, type RecordingUpstream } from "./support/recording-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

const SERVICE_CREDENTIAL = "kpat_service_credential_123";
const MCP_CLIENT = { clientId: PUBLIC_CLIENT_ID, redirectUri: REDIRECT_URI };
const ENV = { KONNECT_MCP_TOKEN: SERVICE_CREDENTIAL, OAUTH_CLIENT_SECRET: GATEWAY_CLIENT.secret };

let idp: IdentityProvider;
let upstream: RecordingUpstream;
let gw: TestGateway;

type Auth = Record<string, unknown>;

function route(name: string, path: string, auth: Auth, extra: Record<string, unknown> = {}) {
  return {
    name,
    path,
    upstream: upstream.url,
    auth: {
      mode: "token_swap",
      issuer: idp.issuer,
      scopes_supported: ["openid", "mcp"],
      required_scopes: ["mcp"],
      consumer_claim: "sub",
      consumer_groups_claim: "groups",
      ...auth,
    },
    upstream_headers: { Authorization: "Bearer {vault://env/KONNECT_MCP_TOKEN}" },
    acl: {
      default: { deny: ["developer"] },
      tools: [{ name: "search_repositories", allow: ["developer", "admin"] }, { name: "push_files", allow: ["admin"] }, { name: "get_me" }],
    },
    ...extra,
  };
}

const introspection = (method = "client_secret_basic") => ({
  introspection: { endpoint: idp.introspectionEndpoint, client_id: GATEWAY_CLIENT.id, client_secret: "{vault://env/OAUTH_CLIENT_SECRET}", auth_method: method },
});

/** A config for a gateway at `url` (its public URL, so audiences never come from the Host header). */
function config(servers: unknown[]) {
  return (url: string) => ({
    version: 1,
    gateway: { public_url: url },
    consumer_groups: [{ name: "admin" }, { name: "developer" }],
    consumers: [
      { username: "alice", groups: ["developer"] },
      { username: "bob", custom_id: "idp-bob-7", groups: ["developer"] },
      { username: "machine", groups: ["developer"] },
      { username: "guest", groups: [] },
    ],
    servers,
  });
}

beforeAll(async () => {
  idp = await startIdentityProvider({ machineClient: MACHINE_CLIENT });
  upstream = await startRecordingUpstream(fakeMcpServer);
  gw = await startTestGateway(
    config([
      route("konnect", "/konnect-mcp", introspection()),
      route("konnect-jwt", "/konnect-jwt", { jwks: { uri: idp.jwksUri } }),
      // Client-credentials tokens carry no `sub`: these routes map the client id.
      route("konnect-post", "/konnect-post", { ...introspection("client_secret_post"), consumer_claim: "client_id" }),
      route("konnect-guest", "/konnect-guest", { ...introspection(), unknown_consumer: "guest" }),
      route("konnect-by-id", "/konnect-by-id-jwt", { jwks: { uri: idp.jwksUri }, consumer_by: "custom_id" }),
      route("konnect-forward", "/konnect-forward", { ...introspection(), consumer_claim: "client_id" }, { passthrough_credentials: true }),
      // A condition on the validated token's claims.
      route(
        "konnect-claims",
        "/konnect-claims",
        { jwks: { uri: idp.jwksUri } },
        { acl: { tools: [{ name: "create_issue", allow: ["developer"], when: "has(claims.org) && claims.org == args.owner", message: "Only in your own organisation" }] } },
      ),
    ]),
    { env: ENV },
  );
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await idp?.close();
});

const list = '{"jsonrpc":"2.0","id":1,"method":"tools/list"}';
function post(path: string, token: string | undefined, body = list) {
  return fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
}

/** A JWT access token signed with the IdP's own key, with claims the test chooses. */
async function idpSignedJwt(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const key = await importJWK(idp.signingKey.privateJwk, "RS256");
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: "mcp", iss: idp.issuer, iat: now - 60, exp: now + 600, ...claims })
    .setProtectedHeader({ alg: "RS256", typ: "at+jwt", kid: idp.signingKey.kid, ...header })
    .sign(key);
}

describe("conditions on token claims", () => {
  const call = (owner: string) => JSON.stringify({ jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "create_issue", arguments: { owner, title: "t" } } });

  it("judges a tools/call on the validated token's claims, and never forwards a refused one", async () => {
    const token = await idpSignedJwt({ sub: "alice", aud: `${gw.url}/konnect-claims`, org: "acme" });
    const allowed = await post("/konnect-claims", token, call("acme"));
    expect(await allowed.json()).toMatchObject({ id: 5, result: { content: [{ text: "called create_issue" }] } });
    const forwardedBefore = upstream.requests.length;
    const refused = await post("/konnect-claims", token, call("evil"));
    expect(await refused.json()).toMatchObject({
      id: 5,
      error: { code: -32602, message: "Only in your own organisation", data: { reason: "condition_denied", rule: "create_issue" } },
    });
    expect(upstream.requests.length).toBe(forwardedBefore);
    const withoutClaim = await post("/konnect-claims", await idpSignedJwt({ sub: "alice", aud: `${gw.url}/konnect-claims` }), call("acme"));
    expect(await withoutClaim.json()).toMatchObject({ error: { data: { reason: "condition_denied" } } });
  });
});

function expectNoUserToken(token: string) {
  const seen = JSON.stringify(upstream.requests.map((r) => ({ h: r.headers, b: r.body })));
  expect(seen).not.toContain(token);
  const fromGateway = JSON.stringify(gw.audit.events) + JSON.stringify(gw.logs) + JSON.stringify(gw.gateway.status());
  expect(fromGateway).not.toContain(token);
  expect(fromGateway).not.toContain(SERVICE_CREDENTIAL);
  expect(fromGateway).not.toContain(GATEWAY_CLIENT.secret);
}

describe("token_swap discovery", () => {
  it("serves its own PRM naming the IdP", async () => {
    const prm = await (await fetch(`${gw.url}/.well-known/oauth-protected-resource/konnect-mcp`)).json();
    expect(prm).toEqual({ resource: `${gw.url}/konnect-mcp`, authorization_servers: [idp.issuer], scopes_supported: ["openid", "mcp"], bearer_methods_supported: ["header"] });
  });

  it("answers no token with 401 and the challenge, an invalid one with error=invalid_token", async () => {
    const metadata = `${gw.url}/.well-known/oauth-protected-resource/konnect-mcp`;
    const none = await post("/konnect-mcp", undefined);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe(`Bearer resource_metadata="${metadata}"`);
    const bad = await post("/konnect-mcp", "not-a-real-token");
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toBe(`Bearer error="invalid_token", error_description="The access token is invalid or expired", resource_metadata="${metadata}"`);
    expect(await bad.json()).toMatchObject({ error: { code: -32001, data: { reason: "token_invalid" } } });
  });

  it("remembers a refusal briefly: the same bad token is introspected once", async () => {
    const introspections = () => idp.hits.get(new URL(idp.introspectionEndpoint).pathname) ?? 0;
    const before = introspections();
    expect((await post("/konnect-mcp", "another-unknown-token")).status).toBe(401);
    expect((await post("/konnect-mcp", "another-unknown-token")).status).toBe(401);
    expect(introspections() - before).toBe(1);
  });
});

describe("the SDK client's full OAuth flow through the gateway", () => {
  it("opaque token (introspection): the upstream gets the stored credential, never the user's token; the audit names the IdP user", async () => {
    idp.user = { id: "alice", groups: [] };
    const introspections = () => idp.hits.get(new URL(idp.introspectionEndpoint).pathname) ?? 0;
    const introspectedBefore = introspections();
    const { client, accessToken } = await connectWithOAuth(`${gw.url}/konnect-mcp`, { client: MCP_CLIENT });
    const before = upstream.requests.length;
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["search_repositories"]);
    expect(JSON.stringify((await client.callTool({ name: "search_repositories", arguments: {} })).content)).toContain("called search_repositories");
    await expect(client.callTool({ name: "push_files", arguments: {} })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining("not available for consumer group 'developer'"),
    });

    const reachedUpstream = upstream.requests.slice(before);
    expect(reachedUpstream.length).toBeGreaterThan(0);
    for (const r of reachedUpstream) expect(r.headers.authorization).toBe(`Bearer ${SERVICE_CREDENTIAL}`);
    const event = await gw.audit.next((e) => e.server === "konnect" && e.tool === "search_repositories");
    expect(event).toMatchObject({ consumer: "alice", end_user: "alice", groups: ["developer"], upstream_identity: "{vault://env/KONNECT_MCP_TOKEN}", decision: "allow" });
    // Introspected once for the whole session, then served from the cache.
    expect(introspections() - introspectedBefore).toBe(1);
    expectNoUserToken(accessToken);
    await client.close();
  });

  it("JWT access token (JWKS), with groups from the token's claim merged for this request", async () => {
    idp.user = { id: "alice", groups: ["admin"] };
    const { client, accessToken } = await connectWithOAuth(`${gw.url}/konnect-jwt`, { client: MCP_CLIENT });
    expect(accessToken.split(".")).toHaveLength(3);
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(["push_files", "search_repositories"]);
    expect(JSON.stringify((await client.callTool({ name: "push_files", arguments: {} })).content)).toContain("called push_files");
    const event = await gw.audit.next((e) => e.server === "konnect-jwt" && e.tool === "push_files");
    expect(event).toMatchObject({ consumer: "alice", end_user: "alice", groups: ["developer", "admin"] });
    expectNoUserToken(accessToken);
    await client.close();
  });
});

describe("tokens the gateway refuses", () => {
  it.each([
    ["for another audience (opaque)", "/konnect-mcp", () => idp.clientCredentialsToken(`${gw.url}/other-mcp`)],
    ["for another audience (JWT)", "/konnect-jwt", () => idp.clientCredentialsToken(`${gw.url}/other-jwt`)],
    ["expired", "/konnect-jwt", () => idpSignedJwt({ sub: "alice", aud: `${gw.url}/konnect-jwt`, exp: Math.floor(Date.now() / 1000) - 120 })],
    ["from another issuer", "/konnect-jwt", () => idpSignedJwt({ sub: "alice", aud: `${gw.url}/konnect-jwt`, iss: "https://evil.example.test" })],
    [
      "signed with alg none",
      "/konnect-jwt",
      async () => new UnsecuredJWT({ sub: "alice", scope: "mcp", aud: `${gw.url}/konnect-jwt` }).setIssuer(idp.issuer).setExpirationTime("10m").encode(),
    ],
    [
      "HMAC-signed with the IdP's public key as secret",
      "/konnect-jwt",
      async () =>
        new SignJWT({ sub: "alice", scope: "mcp", aud: `${gw.url}/konnect-jwt` })
          .setProtectedHeader({ alg: "HS256", kid: idp.signingKey.kid })
          .setIssuer(idp.issuer)
          .setExpirationTime("10m")
          .sign(new TextEncoder().encode(JSON.stringify(idp.signingKey.publicJwk))),
    ],
    [
      "revoked (introspection says active: false)",
      "/konnect-post",
      async () => {
        const token = await idp.clientCredentialsToken(`${gw.url}/konnect-post`);
        await idp.revoke(token);
        return token;
      },
    ],
  ])("a token %s → 401 invalid_token", async (_what, path, mint) => {
    const before = upstream.requests.length;
    const response = await post(path, await mint());
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(upstream.requests.length).toBe(before);
  });

  it("accepts the same kinds of tokens when nothing is wrong with them (the control)", async () => {
    expect((await post("/konnect-jwt", await idpSignedJwt({ sub: "alice", aud: `${gw.url}/konnect-jwt` }))).status).toBe(200);
    expect((await post("/konnect-post", await idp.clientCredentialsToken(`${gw.url}/konnect-post`))).status).toBe(200);
  });

  it("checks the audience against the public URL, whatever Host the request names", async () => {
    const token = await idp.clientCredentialsToken("http://evil.example.test/konnect-mcp");
    const response = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${gw.url}/konnect-mcp`,
        { method: "POST", headers: { host: "evil.example.test", "content-type": "application/json", authorization: `Bearer ${token}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on("error", reject);
      req.end(list);
    });
    expect(response).toBe(401);
  });

  it("a token without a required scope → 403 insufficient_scope naming the scope", async () => {
    const response = await post("/konnect-jwt", await idpSignedJwt({ sub: "alice", aud: `${gw.url}/konnect-jwt`, scope: "openid" }));
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer error="insufficient_scope", scope="mcp", resource_metadata="${gw.url}/.well-known/oauth-protected-resource/konnect-jwt"`,
    );
  });
});

describe("mapping token users to consumers", () => {
  it("refuses a user who is no consumer (403), or maps them to the configured anonymous consumer", async () => {
    const stranger = await idpSignedJwt({ sub: "mallory", aud: `${gw.url}/konnect-jwt` });
    const refused = await post("/konnect-jwt", stranger);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { data: { reason: "consumer_unknown" } } });

    const anonymous = await idp.clientCredentialsToken(`${gw.url}/konnect-guest`);
    expect((await post("/konnect-guest", anonymous)).status).toBe(200);
    const event = await gw.audit.next((e) => e.server === "konnect-guest" && e.status === 200);
    expect(event).toMatchObject({ consumer: "guest", end_user: "client:machine" });
  });

  it("selects the consumer by custom id when asked to", async () => {
    const token = await idpSignedJwt({ sub: "idp-bob-7", aud: `${gw.url}/konnect-by-id-jwt` });
    expect((await post("/konnect-by-id-jwt", token)).status).toBe(200);
    expect(await gw.audit.next((e) => e.server === "konnect-by-id")).toMatchObject({ consumer: "bob", end_user: "idp-bob-7" });
  });

  it("introspects with client_secret_post too (client_secret_basic is the default, used above)", async () => {
    expect((await post("/konnect-post", await idp.clientCredentialsToken(`${gw.url}/konnect-post`))).status).toBe(200);
    expect(await gw.audit.next((e) => e.server === "konnect-post" && e.status === 200)).toMatchObject({ consumer: "machine", end_user: "machine" });
  });

  it("answers 502, not a challenge, when the upstream refuses the stored credential", async () => {
    upstream.respond((_req, res) => {
      res.writeHead(401, { "www-authenticate": 'Bearer resource_metadata="https://upstream.example/.well-known/oauth-protected-resource"' });
      res.end();
    });
    try {
      const response = await post("/konnect-post", await idp.clientCredentialsToken(`${gw.url}/konnect-post`));
      expect(response.status).toBe(502);
      expect(response.headers.get("www-authenticate")).toBeNull();
      expect(await response.json()).toMatchObject({ error: { message: "Server 'konnect-post' refused the gateway's credential", data: { reason: "upstream_bad_response" } } });
    } finally {
      upstream.respond(fakeMcpServer);
    }
  });

  it("forwards the user's token instead when the route sets passthrough_credentials", async () => {
    const token = await idp.clientCredentialsToken(`${gw.url}/konnect-forward`);
    expect((await post("/konnect-forward", token)).status).toBe(200);
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${token}`);
  });
});

describe("an IdP that is down or slow fails closed", () => {
  it("503 when the introspection endpoint is unreachable", async () => {
    const down = await startTestGateway(
      config([route("konnect", "/konnect-mcp", { introspection: { ...introspection().introspection, endpoint: `http://127.0.0.1:${await findFreePort()}/introspect` } })]),
      { env: ENV },
    );
    try {
      const answer = await fetch(`${down.url}/konnect-mcp`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer opaque-token-x" },
        body: list,
      });
      expect(answer.status).toBe(503);
      expect(await answer.json()).toMatchObject({ error: { code: -32603, data: { reason: "idp_unavailable" } } });
    } finally {
      await down.close();
    }
  });

  it("503 when introspection or JWKS is slower than idp_timeout_ms", async () => {
    const slow = await startTestGateway(
      config([
        route("konnect", "/konnect-mcp", { ...introspection(), idp_timeout_ms: 300 }),
        route("konnect-jwt", "/konnect-jwt", { jwks: { uri: idp.jwksUri }, idp_timeout_ms: 300 }),
      ]),
      { env: ENV },
    );
    const jwt = await idpSignedJwt({ sub: "alice", aud: `${slow.url}/konnect-jwt` });
    idp.stall = true;
    try {
      for (const [path, token] of [
        ["/konnect-mcp", "some-opaque-token"],
        ["/konnect-jwt", jwt],
      ] as const) {
        const answer = await fetch(`${slow.url}${path}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: list });
        expect(answer.status).toBe(503);
        expect((await answer.json()).error.data.reason).toBe("idp_unavailable");
      }
    } finally {
      idp.stall = false;
      await slow.close();
    }
  });
});
