// sign_in routes: tokens issued by Portcullis's own authorization server (here
// a key the test holds, as the console would), validated locally against the
// public keys in the configuration — for exactly the route's URL — and never
// forwarded upstream. The full sign-in through the console is test/sign-in.test.ts.
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../lib/core/config/schema";
import { validateConfig } from "../../lib/core/config/validate";
import { fakeMcpServer } from "./support/fake-mcp-server";
import { startRecordingUpstream, type RecordingUpstream } from "./support/recording-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

const ISSUER = "https://console.example.test/api/oauth";
let signing: { privateKey: CryptoKey; publicJwk: JWK };
let stranger: CryptoKey;
let upstream: RecordingUpstream;
let gw: TestGateway;

const acl = {
  default: { deny: ["*"] },
  tools: [
    { name: "search_repositories", allow: ["developer"] },
    { name: "push_files", allow: ["admin"] },
  ],
};

const BLOCKED_CLIENT = "https://blocked.example/cimd.json";

function document(url: string, jwks: JWK[] = [signing.publicJwk]) {
  return {
    version: 1,
    gateway: { public_url: url },
    consumer_groups: [{ name: "admin" }, { name: "developer" }],
    consumers: [
      { username: "alice", groups: ["developer"] },
      { username: "root", groups: ["admin"] },
    ],
    authorization_server: { issuer: ISSUER, jwks: { keys: jwks }, blocked_clients: [BLOCKED_CLIENT] },
    servers: [
      {
        name: "a",
        path: "/a",
        upstream: upstream.url,
        auth: { mode: "sign_in" },
        upstream_headers: { Authorization: "Bearer stored-service-credential" },
        acl,
      },
      { name: "b", path: "/b", upstream: upstream.url, auth: { mode: "sign_in" }, acl },
    ],
  };
}

beforeAll(async () => {
  const pair = await generateKeyPair("ES256", { extractable: true });
  signing = { privateKey: pair.privateKey, publicJwk: { ...(await exportJWK(pair.publicKey)), kid: "key-1", alg: "ES256", use: "sig" } };
  stranger = (await generateKeyPair("ES256")).privateKey;
  upstream = await startRecordingUpstream(fakeMcpServer);
  gw = await startTestGateway((url: string) => document(url));
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

async function accessToken(claims: Record<string, unknown>, options: { key?: CryptoKey; kid?: string; typ?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISSUER, sub: "alice", aud: `${gw.url}/a`, iat: now, exp: now + 300, client_id: "https://client.example/cimd.json", ...claims })
    .setProtectedHeader({ alg: "ES256", typ: options.typ ?? "at+jwt", kid: options.kid ?? "key-1" })
    .sign(options.key ?? signing.privateKey);
}

const list = '{"jsonrpc":"2.0","id":1,"method":"tools/list"}';
function post(path: string, token: string | undefined, body = list) {
  return fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
}

describe("discovery", () => {
  it("serves a PRM naming Portcullis's authorization server, and a 401 pointing at it", async () => {
    const prm = await (await fetch(`${gw.url}/.well-known/oauth-protected-resource/a`)).json();
    expect(prm).toEqual({ resource: `${gw.url}/a`, authorization_servers: [ISSUER], scopes_supported: ["mcp"], bearer_methods_supported: ["header"] });
    const none = await post("/a", undefined);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe(`Bearer resource_metadata="${gw.url}/.well-known/oauth-protected-resource/a"`);
  });
});

describe("a valid token", () => {
  it("names the consumer, whose groups decide the tools; the upstream gets the stored credential, never the token", async () => {
    const token = await accessToken({});
    const before = upstream.requests.length;
    const listed = await post("/a", token);
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name)).toEqual(["search_repositories"]);
    const call = await post("/a", token, JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "push_files", arguments: {} } }));
    expect(await call.json()).toMatchObject({ error: { code: -32602 } });
    const seen = upstream.requests.slice(before);
    expect(seen.length).toBe(1);
    expect(seen[0]!.headers.authorization).toBe("Bearer stored-service-credential");
    expect(JSON.stringify(upstream.requests.map((r) => [r.headers, r.body]))).not.toContain(token);
    expect(JSON.stringify(gw.logs) + JSON.stringify(gw.audit.events)).not.toContain(token);
    const event = await gw.audit.next((e) => e.server === "a" && e.method === "tools/list");
    expect(event).toMatchObject({ consumer: "alice", groups: ["developer"], decision: "allow" });
  });

  it("on a route without an Authorization header of its own, nothing of the caller's reaches the upstream", async () => {
    const token = await accessToken({ aud: `${gw.url}/b` });
    const before = upstream.requests.length;
    expect((await post("/b", token)).status).toBe(200);
    expect(upstream.requests.slice(before).map((r) => r.headers.authorization)).toEqual([undefined]);
  });
});

describe("tokens the gateway refuses with 401 invalid_token", () => {
  const now = () => Math.floor(Date.now() / 1000);
  it.each([
    ["issued for route B, presented on route A", () => accessToken({ aud: `${gw.url}/b` })],
    ["issued for another gateway's route A", () => accessToken({ aud: "https://other-gateway.example/a" })],
    ["with a trailing slash in its audience", () => accessToken({ aud: `${gw.url}/a/` })],
    ["from another issuer", () => accessToken({ iss: "https://evil.example/api/oauth" })],
    ["expired", () => accessToken({ iat: now() - 900, exp: now() - 600 })],
    ["without an expiry", () => accessToken({ exp: undefined })],
    ["without a subject", () => accessToken({ sub: undefined })],
    ["without a client_id", () => accessToken({ client_id: undefined })],
    ["an ID token, not an access token (typ)", () => accessToken({}, { typ: "JWT" })],
    ["signed by a key that is not published", () => accessToken({}, { key: stranger })],
    ["signed by another key under the published kid", () => accessToken({}, { key: stranger, kid: "key-1" })],
    ["with alg none", async () => new UnsecuredJWT({ iss: ISSUER, sub: "alice", aud: `${gw.url}/a` }).setExpirationTime("5m").encode()],
    [
      "HMAC-signed with the public key as secret",
      async () =>
        new SignJWT({ iss: ISSUER, sub: "alice", aud: `${gw.url}/a` })
          .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: "key-1" })
          .setExpirationTime("5m")
          .sign(new TextEncoder().encode(JSON.stringify(signing.publicJwk))),
    ],
    ["not a JWT at all", async () => "opaque-token-value"],
  ])("%s", async (_, make) => {
    const token = await make();
    const before = upstream.requests.length;
    const response = await post("/a", token);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain(`error="invalid_token"`);
    expect(response.headers.get("www-authenticate")).toContain(`resource_metadata="${gw.url}/.well-known/oauth-protected-resource/a"`);
    expect(await response.json()).toMatchObject({ error: { data: { reason: "token_invalid" } } });
    expect(upstream.requests.length).toBe(before);
  });

  it("a token of a client the configuration lists as blocked gets 403 client_blocked and reaches nothing upstream", async () => {
    const before = upstream.requests.length;
    const response = await post("/a", await accessToken({ client_id: BLOCKED_CLIENT }));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { data: { reason: "client_blocked" } } });
    expect(upstream.requests.length).toBe(before);
    // Another client of the same user is unaffected.
    expect((await post("/a", await accessToken({ client_id: "https://other.example/cimd.json" }))).status).toBe(200);
  });

  it("a token for a consumer the configuration does not list (deleted or disabled) gets 403, not a new sign-in", async () => {
    const response = await post("/a", await accessToken({ sub: "mallory" }));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { data: { reason: "consumer_unknown" } } });
  });
});

describe("the configuration", () => {
  const base = (servers: unknown[], extra: Record<string, unknown> = {}) => ({
    version: 1,
    gateway: { public_url: "https://gw.example" },
    servers,
    ...extra,
  });
  const route = (auth: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name: "a", path: "/a", upstream: "https://up.example/mcp", auth, ...extra });
  const as = (keys: unknown[]) => ({ authorization_server: { issuer: ISSUER, jwks: { keys } } });

  it("accepts public keys and refuses what cannot be served safely", () => {
    expect(parseConfig(base([route({ mode: "sign_in" })], as([signing.publicJwk]))).ok).toBe(true);
    expect(validateConfig(base([route({ mode: "sign_in" })]))).toMatchObject({ ok: false, problems: [expect.stringContaining("needs `authorization_server`")] });
    expect(parseConfig(base([], as([{ ...signing.publicJwk, d: "private-part" }])))).toMatchObject({ ok: false });
    expect(parseConfig(base([], as([{ ...signing.publicJwk, alg: "HS256" }])))).toMatchObject({ ok: false });
    expect(parseConfig(base([], as([signing.publicJwk, signing.publicJwk])))).toMatchObject({ ok: false, problems: [expect.stringContaining("own kid")] });
    expect(parseConfig(base([route({ mode: "sign_in" }, { passthrough_credentials: true })], as([signing.publicJwk])))).toMatchObject({
      ok: false,
      problems: [expect.stringContaining("never forwards the caller's token")],
    });
  });

  it("needs the gateway's public URL: tokens are issued for it", () => {
    const { gateway: _, ...withoutUrl } = base([route({ mode: "sign_in" })], as([signing.publicJwk]));
    expect(validateConfig(withoutUrl)).toMatchObject({ ok: false, problems: [expect.stringContaining("needs a public URL")] });
    expect(validateConfig(withoutUrl, { publicUrl: "https://gw.example" }).ok).toBe(true);
  });

  it("a rotated key set: tokens signed with the previous key keep working while it is published", async () => {
    const next = await generateKeyPair("ES256", { extractable: true });
    const nextJwk = { ...(await exportJWK(next.publicKey)), kid: "key-2", alg: "ES256" };
    const rotated = await startTestGateway((url: string) => document(url, [nextJwk, signing.publicJwk]));
    try {
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: ISSUER, sub: "alice", aud: `${rotated.url}/a`, exp: now + 300, client_id: "https://client.example/cimd.json" };
      const old = await new SignJWT(claims).setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: "key-1" }).sign(signing.privateKey);
      const fresh = await new SignJWT(claims).setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: "key-2" }).sign(next.privateKey);
      for (const token of [old, fresh]) {
        const response = await fetch(`${rotated.url}/a`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${token}` },
          body: list,
        });
        expect(response.status).toBe(200);
      }
    } finally {
      await rotated.close();
    }
  });
});
