// A stand-in for an upstream with its own OAuth (GitHub's shape): an
// authorization endpoint that consents at once as `consentAs` (the upstream
// user signed in there), a token endpoint (authorization_code with PKCE S256,
// refresh_token with rotation; expired codes, wrong verifiers and revoked
// grants answer invalid_grant), an RFC 7009 revocation endpoint, and an MCP
// endpoint that accepts only a live access token of its own and says whose it
// is. Every bearer token the MCP endpoint saw is recorded, so a test can
// prove the upstream got the user's own token and never a Portcullis one; a
// test can hold a refresh's answer (`beforeTokenAnswer`) to look meanwhile.
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

interface Grant {
  login: string;
  scopes: string[];
  refreshToken: string;
  revoked: boolean;
}

interface AccessToken {
  grant: Grant;
  expiresAt: number;
}

export interface UpstreamOAuthServer {
  /** Base URL; the endpoints are /authorize, /token, /revoke and /mcp below it. */
  url: string;
  authorizeUrl: string;
  tokenUrl: string;
  revocationUrl: string;
  mcpUrl: string;
  clientId: string;
  clientSecret: string;
  /** The upstream user who consents at /authorize. */
  consentAs: string;
  /** Lifetime of the access tokens it issues. */
  accessTtlSeconds: number;
  /** Query strings /authorize was called with. */
  authorizeRequests: URLSearchParams[];
  /** grant_type of every successful token request, in order. */
  tokenGrants: string[];
  /** Bearer tokens the MCP endpoint was sent (accepted or not). */
  bearerTokens: string[];
  /** Access tokens issued, newest last. */
  issuedAccessTokens: string[];
  /** Awaited before the token endpoint answers a grant it accepted: a test holds the answer while it looks at the console. */
  beforeTokenAnswer?: (grantType: string) => Promise<void>;
  /** The user revokes the application at the upstream: their tokens stop working, their refresh gets invalid_grant. */
  revokeGrantsOf(login: string): void;
  /** Every access token issued so far stops working (as if expired early); refresh tokens still work. */
  invalidateAccessTokens(): void;
  close(): Promise<void>;
}

const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");
const token = (prefix: string) => `${prefix}_${randomBytes(18).toString("base64url")}`;

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

export async function startUpstreamOAuthServer(options: { accessTtlSeconds?: number } = {}): Promise<UpstreamOAuthServer> {
  const codes = new Map<string, { login: string; scopes: string[]; challenge: string; redirectUri: string; clientId: string }>();
  const accessTokens = new Map<string, AccessToken>();
  const refreshTokens = new Map<string, Grant>();
  const json = (res: http.ServerResponse, status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

  const state: UpstreamOAuthServer = {
    url: "",
    authorizeUrl: "",
    tokenUrl: "",
    revocationUrl: "",
    mcpUrl: "",
    clientId: `upstream-client-${randomBytes(4).toString("hex")}`,
    clientSecret: randomBytes(16).toString("base64url"),
    consentAs: "octocat",
    accessTtlSeconds: options.accessTtlSeconds ?? 3600,
    authorizeRequests: [],
    tokenGrants: [],
    bearerTokens: [],
    issuedAccessTokens: [],
    revokeGrantsOf(login) {
      for (const grant of refreshTokens.values()) if (grant.login === login) grant.revoked = true;
    },
    invalidateAccessTokens() {
      for (const access of accessTokens.values()) access.expiresAt = 0;
    },
    close: async () => undefined,
  };

  function issue(grant: Grant) {
    const access = token("gho");
    accessTokens.set(access, { grant, expiresAt: Date.now() + state.accessTtlSeconds * 1000 });
    state.issuedAccessTokens.push(access);
    return { access_token: access, token_type: "bearer", expires_in: state.accessTtlSeconds, refresh_token: grant.refreshToken, scope: grant.scopes.join(" ") };
  }

  async function tokenEndpoint(req: http.IncomingMessage, res: http.ServerResponse) {
    const form = await readForm(req);
    if (form.get("client_id") !== state.clientId || form.get("client_secret") !== state.clientSecret) return json(res, 401, { error: "invalid_client" });
    if (form.get("grant_type") === "authorization_code") {
      const code = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      if (!code || code.redirectUri !== form.get("redirect_uri") || code.challenge !== s256(form.get("code_verifier") ?? "")) return json(res, 400, { error: "invalid_grant" });
      const grant: Grant = { login: code.login, scopes: code.scopes, refreshToken: token("ghr"), revoked: false };
      refreshTokens.set(grant.refreshToken, grant);
      state.tokenGrants.push("authorization_code");
      return json(res, 200, issue(grant));
    }
    if (form.get("grant_type") === "refresh_token") {
      const grant = refreshTokens.get(form.get("refresh_token") ?? "");
      if (!grant || grant.revoked) return json(res, 400, { error: "invalid_grant", error_description: "The refresh token is revoked or unknown" });
      // Rotation: the old refresh token is spent.
      refreshTokens.delete(grant.refreshToken);
      grant.refreshToken = token("ghr");
      refreshTokens.set(grant.refreshToken, grant);
      state.tokenGrants.push("refresh_token");
      await state.beforeTokenAnswer?.("refresh_token");
      return json(res, 200, issue(grant));
    }
    return json(res, 400, { error: "unsupported_grant_type" });
  }

  async function revocationEndpoint(req: http.IncomingMessage, res: http.ServerResponse) {
    const form = await readForm(req);
    const value = form.get("token") ?? "";
    const grant = refreshTokens.get(value) ?? accessTokens.get(value)?.grant;
    if (grant) grant.revoked = true;
    res.writeHead(200).end();
  }

  async function mcpEndpoint(req: http.IncomingMessage, res: http.ServerResponse) {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (bearer) state.bearerTokens.push(bearer);
    const access = bearer ? accessTokens.get(bearer) : undefined;
    if (!access || access.grant.revoked || access.expiresAt < Date.now()) {
      res.writeHead(401, { "www-authenticate": 'Bearer error="invalid_token"', "content-type": "application/json" }).end('{"error":"invalid_token"}');
      return;
    }
    const login = access.grant.login;
    const server = new Server({ name: "upstream-oauth-stand-in", version: "1.0.0" }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: [
        { name: "get_me", description: "Who the token belongs to", inputSchema: { type: "object" } },
        { name: "search_repositories", description: "Search the user's repositories", inputSchema: { type: "object", properties: { query: { type: "string" } } } },
      ],
    }));
    server.setRequestHandler(CallToolRequestSchema, (request) => ({ content: [{ type: "text", text: JSON.stringify({ tool: request.params.name, login }) }] }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => void transport.close().then(() => server.close()));
    await server.connect(transport);
    await transport.handleRequest(req, res);
  }

  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- a fixture: a rejection is an unhandled error that fails the test run, as it should
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", state.url);
    if (url.pathname === "/authorize") {
      state.authorizeRequests.push(url.searchParams);
      const redirectUri = url.searchParams.get("redirect_uri") ?? "";
      if (url.searchParams.get("client_id") !== state.clientId || url.searchParams.get("code_challenge_method") !== "S256") return json(res, 400, { error: "invalid_request" });
      const code = token("code");
      codes.set(code, {
        login: state.consentAs,
        scopes: (url.searchParams.get("scope") ?? "").split(" ").filter(Boolean),
        challenge: url.searchParams.get("code_challenge") ?? "",
        redirectUri,
        clientId: state.clientId,
      });
      const back = new URL(redirectUri);
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state") ?? "");
      return res.writeHead(302, { location: back.href }).end();
    }
    if (url.pathname === "/token" && req.method === "POST") return tokenEndpoint(req, res);
    if (url.pathname === "/revoke" && req.method === "POST") return revocationEndpoint(req, res);
    if (url.pathname === "/mcp") return mcpEndpoint(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(state, { authorizeUrl: `${state.url}/authorize`, tokenUrl: `${state.url}/token`, revocationUrl: `${state.url}/revoke`, mcpUrl: `${state.url}/mcp` });
  state.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return state;
}
