// Discovery on a passthrough route, against an upstream that runs its own
// OAuth: the gateway's 401 challenge, its copy of the upstream's PRM (resource
// rewritten, cached, served stale when the upstream is down), and the
// upstream's own challenges passed back pointing at the gateway.
import { discoverOAuthProtectedResourceMetadata, extractWWWAuthenticateParams, selectResourceURL } from "@modelcontextprotocol/sdk/client/auth.js";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { FIXTURE_AS, NARROW_TOKEN, startOAuthProtectedUpstream, type OAuthProtectedUpstream } from "./support/oauth-protected-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

let upstream: OAuthProtectedUpstream;
let gw: TestGateway;

const config = (extra: Record<string, unknown> = {}) => ({
  version: 1,
  consumer_groups: [{ name: "developer" }],
  consumers: [{ username: "dev-user", groups: ["developer"], keys: [{ key: "dev-api-key-1" }] }],
  servers: [
    {
      name: "github",
      path: "/github-mcp",
      upstream: upstream.url,
      auth: { mode: "passthrough", upstream_prm: upstream.prmUrl, upstream_prm_ttl_seconds: 60 },
    },
  ],
  ...extra,
});

beforeAll(async () => {
  upstream = await startOAuthProtectedUpstream();
  gw = await startTestGateway(config());
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});
afterEach(() => {
  vi.useRealTimers();
  upstream.setPrmAvailable(true);
});

const post = (headers: Record<string, string>) =>
  fetch(`${gw.url}/github-mcp`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });

describe("passthrough discovery", () => {
  it("answers a request without a token with 401 and a challenge naming the gateway's PRM; the upstream is not called", async () => {
    const before = upstream.requests.length;
    const response = await post({ apikey: "dev-api-key-1" });
    expect(response.status).toBe(401);
    const metadataUrl = `${gw.url}/.well-known/oauth-protected-resource/github-mcp`;
    expect(response.headers.get("www-authenticate")).toBe(`Bearer resource_metadata="${metadataUrl}"`);
    expect(extractWWWAuthenticateParams(response).resourceMetadataUrl?.href).toBe(metadataUrl);
    expect(await response.json()).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32001, data: { reason: "token_missing" } } });
    expect(upstream.requests.length).toBe(before);
  });

  it("serves the upstream's PRM with resource set to the route URL, other fields kept, signed_metadata dropped — with and without a trailing slash", async () => {
    for (const suffix of ["", "/"]) {
      const response = await fetch(`${gw.url}/.well-known/oauth-protected-resource/github-mcp${suffix}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(await response.json()).toEqual({
        resource: `${gw.url}/github-mcp`,
        authorization_servers: [FIXTURE_AS],
        scopes_supported: ["repo", "read:org"],
        bearer_methods_supported: ["header"],
        resource_name: "Fixture MCP",
      });
    }
  });

  it("is accepted by the SDK client's discovery, which checks resource against the URL it calls", async () => {
    const serverUrl = `${gw.url}/github-mcp`;
    const metadata = await discoverOAuthProtectedResourceMetadata(serverUrl);
    expect(metadata.authorization_servers).toEqual([FIXTURE_AS]);
    expect((await selectResourceURL(serverUrl, {} as never, metadata))?.href).toBe(serverUrl);
  });

  it("uses the configured public URL", async () => {
    const other = await startTestGateway(config({ gateway: { public_url: "https://gateway.example.test/" } }));
    try {
      const prm = await (await fetch(`${other.url}/.well-known/oauth-protected-resource/github-mcp`)).json();
      expect(prm.resource).toBe("https://gateway.example.test/github-mcp");
      const challenge = (await fetch(`${other.url}/github-mcp`, { method: "POST" })).headers.get("www-authenticate");
      expect(challenge).toBe('Bearer resource_metadata="https://gateway.example.test/.well-known/oauth-protected-resource/github-mcp"');
    } finally {
      await other.close();
    }
  });

  it("caches the PRM for its TTL, refetches after, and serves the stale copy while the upstream is down", async () => {
    const fresh = await startTestGateway(config());
    try {
      const get = () => fetch(`${fresh.url}/.well-known/oauth-protected-resource/github-mcp`);
      const start = upstream.prmFetches();
      expect((await get()).status).toBe(200);
      expect((await get()).status).toBe(200);
      expect(upstream.prmFetches()).toBe(start + 1);

      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() + 61_000);
      expect((await get()).status).toBe(200);
      expect(upstream.prmFetches()).toBe(start + 2);

      upstream.setPrmAvailable(false);
      vi.setSystemTime(Date.now() + 61_000);
      const stale = await get();
      expect(stale.status).toBe(200);
      expect((await stale.json()).resource).toBe(`${fresh.url}/github-mcp`);
      expect(upstream.prmFetches()).toBe(start + 3);
      expect(fresh.logs).toContainEqual(
        expect.objectContaining({ level: "warn", message: "upstream protected resource metadata unavailable", fields: expect.objectContaining({ serving_stale: true }) }),
      );
    } finally {
      await fresh.close();
    }
  });

  it("answers 502 when the upstream PRM was never fetched and is down", async () => {
    const fresh = await startTestGateway(config());
    upstream.setPrmAvailable(false);
    try {
      const response = await fetch(`${fresh.url}/.well-known/oauth-protected-resource/github-mcp`);
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ error: { data: { reason: "metadata_unavailable" } } });
    } finally {
      await fresh.close();
    }
  });

  it("passes the upstream's 403 insufficient_scope challenge back with resource_metadata pointing at the gateway, scope and error kept", async () => {
    const response = await post({ apikey: "dev-api-key-1", authorization: `Bearer ${NARROW_TOKEN}` });
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer error="insufficient_scope", scope="repo admin:org", resource_metadata="${gw.url}/.well-known/oauth-protected-resource/github-mcp"`,
    );
    const upstreamRequest = upstream.requests.at(-1)!;
    expect(upstreamRequest.headers.authorization).toBe(`Bearer ${NARROW_TOKEN}`);
    expect(upstreamRequest.headers.apikey).toBeUndefined();
  });

  it("passes the upstream's 401 back rewritten too (its token was not accepted)", async () => {
    upstream.respond((_req, res) => {
      res.writeHead(401, { "www-authenticate": `Bearer error="invalid_token", resource_metadata="${upstream.prmUrl}"`, "content-type": "application/json" });
      res.end("{}");
    });
    try {
      const response = await post({ apikey: "dev-api-key-1", authorization: "Bearer expired-upstream-token" });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe(`Bearer error="invalid_token", resource_metadata="${gw.url}/.well-known/oauth-protected-resource/github-mcp"`);
    } finally {
      upstream.resetResponder();
    }
  });
});
