// The demo's stand-ins behave like the services they replace, checked with
// the MCP SDK client: GitHub's server (own PRM, 401 challenge, OAuth app with
// client id + secret and PKCE, expiring tokens with refresh, revocation, no dynamic registration, 40+ tools by their
// GitHub names) and Konnect's (one service token, nothing else).
import { createHash } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeWithOAuth, followAuthorization } from "./headless-oauth";
import { startGitHubStandIn, type GitHubStandIn } from "./github/github-stand-in";
import { startKonnectStandIn, type KonnectStandIn } from "./konnect-stand-in";
import { tokenHash } from "./request-log";

const app = { clientId: "Ov23liDemoClient0001", clientSecret: "0123456789abcdef0123456789abcdef01234567", callbackUrls: ["http://127.0.0.1/"] };
const client = { clientId: app.clientId, clientSecret: app.clientSecret, redirectUri: "http://127.0.0.1:7777/callback" };
const SERVICE_TOKEN = "spat_demo_service_token_0123456789";

let github: GitHubStandIn;
let konnect: KonnectStandIn;

beforeAll(async () => {
  [github, konnect] = await Promise.all([startGitHubStandIn({ app }), startKonnectStandIn({ serviceToken: SERVICE_TOKEN, serviceIdentity: "svc-portcullis" })]);
});
afterAll(async () => {
  await Promise.all([github?.close(), konnect?.close()]);
});

const initialize = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } };
const post = (url: string, headers: Record<string, string> = {}, body: unknown = initialize) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers }, body: JSON.stringify(body) });

async function connect(url: string, token: string): Promise<Client> {
  const mcp = new Client({ name: "stand-in-test", version: "1.0.0" });
  await mcp.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return mcp;
}

describe("GitHub stand-in", () => {
  it("answers 401 with a challenge naming its own PRM, which names its own authorization server", async () => {
    const response = await post(github.mcpUrl);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer error="invalid_request", error_description="No access token was provided in this request", resource_metadata="${github.prmUrl}"`,
    );
    const prm = (await (await fetch(github.prmUrl)).json()) as Record<string, unknown>;
    expect(prm).toMatchObject({ resource: github.mcpUrl, authorization_servers: [github.authorizationServer], scopes_supported: ["repo", "read:user", "read:org"] });
    const metadata = (await (await fetch(`${github.origin}/.well-known/oauth-authorization-server/login/oauth`)).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({ issuer: github.authorizationServer, code_challenge_methods_supported: ["S256"] });
    expect(metadata).not.toHaveProperty("registration_endpoint");
  });

  it("issues a token through the SDK's OAuth flow with client id + secret, and serves 40+ tools by their GitHub names", async () => {
    const provider = await authorizeWithOAuth(github.mcpUrl, { client });
    const token = provider.tokens()!.access_token;
    expect(token).toMatch(/^gho_[0-9A-Za-z]{36}$/);
    const mcp = await connect(github.mcpUrl, token);
    const { tools } = await mcp.listTools();
    expect(tools.length).toBeGreaterThanOrEqual(40);
    const names = tools.map((t) => t.name);
    for (const name of [
      "search_repositories",
      "get_file_contents",
      "list_issues",
      "list_pull_requests",
      "search_users",
      "search_code",
      "create_issue",
      "push_files",
      "create_pull_request",
      "merge_pull_request",
      "create_repository",
    ]) {
      expect(names).toContain(name);
    }
    const hint = (name: string) => tools.find((t) => t.name === name)!.annotations?.readOnlyHint;
    expect(["search_repositories", "get_file_contents", "list_issues", "list_pull_requests", "search_users", "search_code"].map(hint)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(["create_issue", "push_files", "merge_pull_request"].map(hint)).toEqual([false, false, false]);

    const found = await mcp.callTool({ name: "search_repositories", arguments: { query: "widgets" } });
    expect(JSON.parse((found.content as { text: string }[])[0]!.text).items[0].full_name).toBe("acme/widgets");
    const incomplete = await mcp.callTool({ name: "push_files", arguments: { owner: "acme" } });
    expect(incomplete.isError).toBe(true);
    await mcp.close();
    const calls = github.log.since(0).filter((r) => r.method === "tools/call");
    // An OAuth app's user token is logged as such ("gho"), never by value.
    expect(calls.map((r) => [r.tool, r.caller, r.token_hash, r.token_prefix])).toEqual([
      ["search_repositories", "octocat", tokenHash(token), "gho"],
      ["push_files", "octocat", tokenHash(token), "gho"],
    ]);
  });

  it("refuses what GitHub refuses: no secret, a wrong PKCE verifier, an unknown client, no PKCE, a foreign redirect URI", async () => {
    const challenge = createHash("sha256").update("right-verifier").digest("base64url");
    const authorize = (params: Record<string, string>) =>
      new URL(
        `${github.authorizationServer}/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: client.redirectUri, response_type: "code", state: "s1", ...params })}`,
      );
    const code = () => followAuthorization(authorize({ code_challenge: challenge, code_challenge_method: "S256" }), { redirectUri: client.redirectUri });
    const exchange = (form: Record<string, string>, authorization?: string) =>
      fetch(`${github.authorizationServer}/access_token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", ...(authorization ? { authorization } : {}) },
        body: new URLSearchParams(form),
      });

    const withoutSecret = await exchange({
      grant_type: "authorization_code",
      code: await code(),
      redirect_uri: client.redirectUri,
      code_verifier: "right-verifier",
      client_id: app.clientId,
    });
    expect(withoutSecret.status).toBe(401);
    expect(await withoutSecret.json()).toMatchObject({ error: "invalid_client" });
    const wrongVerifier = await exchange({
      grant_type: "authorization_code",
      code: await code(),
      redirect_uri: client.redirectUri,
      code_verifier: "wrong",
      client_id: app.clientId,
      client_secret: app.clientSecret,
    });
    expect(await wrongVerifier.json()).toMatchObject({ error: "invalid_grant" });
    const basic = `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString("base64")}`;
    const granted = await exchange({ grant_type: "authorization_code", code: await code(), redirect_uri: client.redirectUri, code_verifier: "right-verifier" }, basic);
    expect(await granted.json()).toMatchObject({ token_type: "bearer", access_token: expect.stringMatching(/^gho_/) });

    expect((await fetch(authorize({ client_id: "someone-else", code_challenge: challenge, code_challenge_method: "S256" }), { redirect: "manual" })).status).toBe(400);
    await expect(followAuthorization(authorize({}), { redirectUri: client.redirectUri })).rejects.toThrow(/invalid_request.*S256/);
    expect(
      (await fetch(authorize({ redirect_uri: "https://evil.example/callback", code_challenge: challenge, code_challenge_method: "S256" }), { redirect: "manual" })).status,
    ).toBe(400);
  });

  it("refreshes like GitHub's expiring user tokens (rotating the pair) and ends the whole grant on revocation", async () => {
    const provider = await authorizeWithOAuth(github.mcpUrl, { client });
    const first = provider.tokens()!;
    expect(first).toMatchObject({ expires_in: 28_800, refresh_token: expect.stringMatching(/^ghr_[0-9A-Za-z]{36}$/) });
    const form = (fields: Record<string, string>, path = "access_token") =>
      fetch(`${github.authorizationServer}/${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, ...fields }),
      });
    const accepted = async (token: string) => (await post(github.mcpUrl, { authorization: `Bearer ${token}` })).status;

    const refreshed = (await (await form({ grant_type: "refresh_token", refresh_token: first.refresh_token! })).json()) as { access_token: string; refresh_token: string };
    expect(refreshed.access_token).toMatch(/^gho_/);
    expect([await accepted(refreshed.access_token), await accepted(first.access_token)]).toEqual([200, 401]);
    expect(await (await form({ grant_type: "refresh_token", refresh_token: first.refresh_token! })).json()).toMatchObject({ error: "invalid_grant" });

    expect((await form({ token: refreshed.access_token, client_secret: "wrong" }, "revoke")).status).toBe(401);
    expect((await form({ token: refreshed.access_token }, "revoke")).status).toBe(200);
    expect(await accepted(refreshed.access_token)).toBe(401);
    expect(await (await form({ grant_type: "refresh_token", refresh_token: refreshed.refresh_token })).json()).toMatchObject({ error: "invalid_grant" });
    const metadata = (await (await fetch(`${github.origin}/.well-known/oauth-authorization-server/login/oauth`)).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({ revocation_endpoint: `${github.authorizationServer}/revoke`, grant_types_supported: ["authorization_code", "refresh_token"] });
  });
});

describe("Konnect stand-in", () => {
  it("serves its tools to the service token only, and logs who called with which token", async () => {
    const mcp = await connect(konnect.url, SERVICE_TOKEN);
    const { tools } = await mcp.listTools();
    expect(tools.map((t) => t.name)).toContain("list_control_planes");
    const planes = await mcp.callTool({ name: "list_control_planes", arguments: {} });
    expect((planes.content as { text: string }[])[0]!.text).toContain("prod-us");
    await mcp.close();

    for (const authorization of [undefined, "Bearer some-user-idp-token", `Bearer ${SERVICE_TOKEN}x`]) {
      expect((await post(konnect.url, authorization ? { authorization } : {})).status).toBe(401);
    }
    const log = konnect.log.since(0);
    expect(log.filter((r) => r.accepted).every((r) => r.caller === "svc-portcullis" && r.token_hash === tokenHash(SERVICE_TOKEN))).toBe(true);
    expect(log.filter((r) => !r.accepted).map((r) => r.token_hash)).toEqual([null, tokenHash("some-user-idp-token"), tokenHash(`${SERVICE_TOKEN}x`)]);
    expect(log.some((r) => r.token_hash?.includes(SERVICE_TOKEN))).toBe(false);
  });
});
