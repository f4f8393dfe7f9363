// Passthrough routes with `validate`: the gateway checks the upstream's token
// against a real IdP (oidc-provider) — as JWTs against its JWKS, or opaque
// tokens by introspection — before forwarding it unchanged. Expired, forged,
// foreign and mis-addressed tokens get 401 with the gateway's challenge and
// never reach the upstream. Identity may come from the key, the token's
// claims, or both.
import { SignJWT, UnsecuredJWT, importJWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GATEWAY_CLIENT, MACHINE_CLIENT, startIdentityProvider, type IdentityProvider } from "../../demo/identity-provider";
import { fakeMcpServer } from "./support/fake-mcp-server";
import { startRecordingUpstream, type RecordingUpstream } from "./support/recording-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

/** What the upstream's authorization server puts in `aud` (its resource URL). Names ending in -jwt get JWTs. */
const JWT_AUDIENCE = "https://mcp.upstream.test/mcp-jwt";
const OPAQUE_AUDIENCE = "https://mcp.upstream.test/mcp";
const ENV = { OAUTH_CLIENT_SECRET: GATEWAY_CLIENT.secret };
const ALICE_KEY = "alice-api-key-1";
const BOB_KEY = "bob-api-key-1";

let idp: IdentityProvider;
let otherIdp: IdentityProvider;
let upstream: RecordingUpstream;
let gw: TestGateway;

function route(name: string, validate: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) {
  return {
    name,
    path: `/${name}`,
    upstream: upstream.url,
    auth: { mode: "passthrough", upstream_prm: `${upstream.origin}/.well-known/oauth-protected-resource/mcp`, ...(validate ? { validate } : {}), ...extra },
    acl: {
      default: { deny: ["developer"] },
      tools: [
        { name: "search_repositories", allow: ["developer", "admin"] },
        { name: "push_files", allow: ["admin"] },
      ],
    },
  };
}

const jwks = (extra: Record<string, unknown> = {}) => ({ issuer: idp.issuer, audience: JWT_AUDIENCE, jwks: { uri: idp.jwksUri }, ...extra });
const introspection = () => ({
  issuer: idp.issuer,
  audience: OPAQUE_AUDIENCE,
  introspection: { endpoint: idp.introspectionEndpoint, client_id: GATEWAY_CLIENT.id, client_secret: "{vault://env/OAUTH_CLIENT_SECRET}" },
});

beforeAll(async () => {
  idp = await startIdentityProvider({ machineClient: MACHINE_CLIENT });
  otherIdp = await startIdentityProvider({ machineClient: MACHINE_CLIENT });
  upstream = await startRecordingUpstream(fakeMcpServer);
  gw = await startTestGateway(
    (url: string) => ({
      version: 1,
      gateway: { public_url: url },
      consumer_groups: [{ name: "admin" }, { name: "developer" }],
      consumers: [
        { username: "alice", groups: ["developer"], keys: [{ key: ALICE_KEY }] },
        { username: "bob", custom_id: "idp-bob-7", groups: ["developer"], keys: [{ key: BOB_KEY }] },
      ],
      servers: [
        route("plain", undefined),
        route("jwks", jwks()),
        route("introspected", introspection()),
        route("es256-only", jwks({ algorithms: ["ES256"] })),
        route("by-token", jwks(), { identity: "token", consumer_groups_claim: "groups" }),
        route("by-both", jwks(), { identity: "both", consumer_by: "custom_id" }),
      ],
    }),
    { env: ENV },
  );
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await idp?.close();
  await otherIdp?.close();
});

const list = '{"jsonrpc":"2.0","id":1,"method":"tools/list"}';
const call = (tool: string) => JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: tool, arguments: {} } });

function post(path: string, token: string, options: { key?: string; body?: string } = {}) {
  return fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      authorization: `Bearer ${token}`,
      ...(options.key ? { apikey: options.key } : {}),
    },
    body: options.body ?? list,
  });
}

/** A JWT access token signed with the IdP's own key, with claims the test chooses. */
async function idpSignedJwt(claims: Record<string, unknown>) {
  const key = await importJWK(idp.signingKey.privateJwk, "RS256");
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: "mcp", iss: idp.issuer, aud: JWT_AUDIENCE, iat: now - 60, exp: now + 600, ...claims })
    .setProtectedHeader({ alg: "RS256", typ: "at+jwt", kid: idp.signingKey.kid })
    .sign(key);
}

const unsignedJwt = () => new UnsecuredJWT({ sub: "alice", scope: "mcp", aud: JWT_AUDIENCE }).setIssuer(idp.issuer).setExpirationTime("10m").encode();
const hmacWithPublicKey = () =>
  new SignJWT({ sub: "alice", scope: "mcp", aud: JWT_AUDIENCE })
    .setProtectedHeader({ alg: "HS256", kid: idp.signingKey.kid })
    .setIssuer(idp.issuer)
    .setExpirationTime("10m")
    .sign(new TextEncoder().encode(JSON.stringify(idp.signingKey.publicJwk)));

async function expectRefusedBeforeUpstream(path: string, token: string, key = ALICE_KEY) {
  const before = upstream.requests.length;
  const response = await post(path, token, { key });
  expect(response.status).toBe(401);
  // The challenge sends the client back through the gateway's PRM, to the upstream's authorization server.
  expect(response.headers.get("www-authenticate")).toBe(
    `Bearer error="invalid_token", error_description="The access token is invalid or expired", resource_metadata="${gw.url}/.well-known/oauth-protected-resource${path}"`,
  );
  expect(await response.json()).toMatchObject({ error: { code: -32001, data: { reason: "token_invalid" } } });
  expect(upstream.requests.length).toBe(before);
  const event = await gw.audit.next((e) => e.path === path && e.token_hash !== null && e.reason === "token_invalid" && !seenEvents.has(e.id));
  seenEvents.add(event.id);
  expect(event).toMatchObject({ server: path.slice(1), decision: "deny", status: 401 });
}
const seenEvents = new Set<string>();

async function expectForwardedUnchanged(path: string, token: string, key: string | undefined = ALICE_KEY) {
  const response = await post(path, token, { key });
  expect(response.status).toBe(200);
  const reached = upstream.requests.at(-1)!;
  expect(reached.headers.authorization).toBe(`Bearer ${token}`);
  expect(reached.headers.apikey).toBeUndefined();
}

describe("a JWKS-protected upstream", () => {
  it("forwards a valid token the IdP issued, unchanged", async () => {
    await expectForwardedUnchanged("/jwks", await idp.clientCredentialsToken(JWT_AUDIENCE));
  });

  it.each([
    ["expired", () => idpSignedJwt({ sub: "alice", exp: Math.floor(Date.now() / 1000) - 120 })],
    ["signed with alg none", unsignedJwt],
    ["HMAC-signed with the IdP's public key as secret", hmacWithPublicKey],
    ["from another issuer (signed by the right key)", () => idpSignedJwt({ sub: "alice", iss: "https://evil.example.test" })],
    ["from another IdP", () => otherIdp.clientCredentialsToken(JWT_AUDIENCE)],
    ["for another audience", () => idp.clientCredentialsToken("https://other.upstream.test/mcp-jwt")],
    ["that is no JWT (and the route has no introspection)", async () => "gho_opaque-token-123"],
  ])("refuses a token %s with 401, before the upstream", async (_what, mint) => {
    await expectRefusedBeforeUpstream("/jwks", await mint());
  });

  it("accepts only the route's algorithms: an RS256 token on an ES256-only route is refused", async () => {
    await expectRefusedBeforeUpstream("/es256-only", await idp.clientCredentialsToken(JWT_AUDIENCE));
  });

  it("still needs the API key with identity: key (403, not 401)", async () => {
    const before = upstream.requests.length;
    const response = await post("/jwks", await idp.clientCredentialsToken(JWT_AUDIENCE));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { data: { reason: "key_missing" } } });
    expect(upstream.requests.length).toBe(before);
  });

  it("a route without validate forwards any bearer string (the control)", async () => {
    await expectForwardedUnchanged("/plain", "gho_not-checked-at-all");
  });
});

describe("an introspection-protected upstream", () => {
  it("forwards a valid opaque token unchanged, introspecting it once", async () => {
    const introspections = () => idp.hits.get(new URL(idp.introspectionEndpoint).pathname) ?? 0;
    const token = await idp.clientCredentialsToken(OPAQUE_AUDIENCE);
    const before = introspections();
    await expectForwardedUnchanged("/introspected", token);
    await expectForwardedUnchanged("/introspected", token);
    expect(introspections() - before).toBe(1);
  });

  it.each([
    [
      "revoked (the IdP reports it inactive)",
      async () => {
        const token = await idp.clientCredentialsToken(OPAQUE_AUDIENCE);
        await idp.revoke(token);
        return token;
      },
    ],
    ["expired, as a JWT the IdP never stored", () => idpSignedJwt({ sub: "alice", aud: OPAQUE_AUDIENCE, exp: Math.floor(Date.now() / 1000) - 120 })],
    ["signed with alg none", unsignedJwt],
    ["HMAC-signed with the IdP's public key as secret", hmacWithPublicKey],
    ["from another IdP", () => otherIdp.clientCredentialsToken(OPAQUE_AUDIENCE)],
    ["for another audience", () => idp.clientCredentialsToken("https://other.upstream.test/mcp")],
  ])("refuses a token %s with 401, before the upstream", async (_what, mint) => {
    await expectRefusedBeforeUpstream("/introspected", await mint());
  });
});

describe("identity from the validated token", () => {
  it("identity: token — no key needed; the claims name the consumer and their groups drive the ACL", async () => {
    const developer = await idpSignedJwt({ sub: "alice" });
    const denied = await post("/by-token", developer, { body: call("push_files") });
    expect(await denied.json()).toMatchObject({ error: { code: -32602, data: { reason: "tool_denied" } } });

    const admin = await idpSignedJwt({ sub: "alice", groups: ["admin"] });
    const allowed = await post("/by-token", admin, { body: call("push_files") });
    expect(JSON.stringify(await allowed.json())).toContain("called push_files");
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${admin}`);
    const event = await gw.audit.next((e) => e.server === "by-token" && e.tool === "push_files" && e.decision === "allow");
    expect(event).toMatchObject({ consumer: "alice", end_user: "alice", groups: ["developer", "admin"], key_id: null });
  });

  it("identity: token — a user who is no consumer is refused (403) before the upstream", async () => {
    const before = upstream.requests.length;
    const response = await post("/by-token", await idpSignedJwt({ sub: "mallory" }));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { data: { reason: "consumer_unknown" } } });
    expect(upstream.requests.length).toBe(before);
  });

  it("identity: both — the key and the token must name the same consumer (here by custom_id)", async () => {
    const bobsToken = await idpSignedJwt({ sub: "idp-bob-7" });
    await expectForwardedUnchanged("/by-both", bobsToken, BOB_KEY);
    expect(await gw.audit.next((e) => e.server === "by-both" && e.status === 200)).toMatchObject({ consumer: "bob", end_user: "idp-bob-7" });

    const before = upstream.requests.length;
    const someoneElsesKey = await post("/by-both", bobsToken, { key: ALICE_KEY });
    expect(someoneElsesKey.status).toBe(403);
    expect(await someoneElsesKey.json()).toMatchObject({ error: { data: { reason: "identity_mismatch" } } });
    const noKey = await post("/by-both", bobsToken);
    expect(noKey.status).toBe(403);
    expect(await noKey.json()).toMatchObject({ error: { data: { reason: "key_missing" } } });
    expect(upstream.requests.length).toBe(before);
  });
});
