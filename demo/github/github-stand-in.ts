// A local stand-in for GitHub's remote MCP server (api.githubcopilot.com/mcp/)
// and the authorization server it trusts (github.com/login/oauth, with refresh
// and revocation), on one
// origin: the MCP endpoint at /mcp/ demands a bearer token that this
// authorization server issued, answers 401 with a challenge naming its
// Protected Resource Metadata (RFC 9728), and serves that metadata, which
// points at the authorization server. Every MCP request it receives is logged
// (GET /_demo/requests).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { GITHUB_TOOLS } from "./tool-catalogue";
import { GitHubOAuthServer, type OAuthApp } from "./oauth-app-server";
import { describeMessage, readBody, sendJson, serveMcp, type McpToolSet } from "../mcp-endpoint";
import { RequestLog, tokenHash } from "../request-log";

export interface GitHubStandInOptions {
  host?: string;
  port?: number;
  app: OAuthApp;
  /** The GitHub user every token belongs to. */
  login?: string;
  /** How long an access token lasts (GitHub: 8 hours). */
  accessTokenTtlSeconds?: number;
}

export interface GitHubStandIn {
  origin: string;
  /** Where the gateway sends MCP traffic (like https://api.githubcopilot.com/mcp/). */
  mcpUrl: string;
  prmUrl: string;
  authorizationServer: string;
  log: RequestLog;
  issuePersonalAccessToken(): string;
  close(): Promise<void>;
}

const MCP_PATHS = new Set(["/mcp", "/mcp/"]);
const PRM_PATHS = new Set(["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource/mcp/"]);
export const GITHUB_SCOPES = ["repo", "read:user", "read:org"];

const toolSet: McpToolSet = {
  serverInfo: { name: "github-mcp-server", version: "demo" },
  tools: GITHUB_TOOLS.map((t) => t.definition),
  call: (name, args) => GITHUB_TOOLS.find((t) => t.definition.name === name)!.result(args),
};

export async function startGitHubStandIn(options: GitHubStandInOptions): Promise<GitHubStandIn> {
  const host = options.host ?? "127.0.0.1";
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  const mcpUrl = `${origin}/mcp/`;
  const prmUrl = `${origin}/.well-known/oauth-protected-resource/mcp/`;
  const oauth = new GitHubOAuthServer(origin, options.app, options.login ?? "octocat", options.accessTokenTtlSeconds);
  const log = new RequestLog();

  const challenge = (error: string, description: string) => `Bearer error="${error}", error_description="${description}", resource_metadata="${prmUrl}"`;

  async function handleMcp(req: http.IncomingMessage, res: http.ServerResponse) {
    const body = req.method === "POST" ? await readBody(req) : "";
    let message: unknown;
    try {
      message = body ? JSON.parse(body) : undefined;
    } catch {
      message = undefined;
    }
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const owner = token ? oauth.verify(token) : undefined;
    log.record({
      ...describeMessage(message),
      caller: owner?.login ?? null,
      token_hash: token ? tokenHash(token) : null,
      token_prefix: token ? (/^(gh[a-z])_/.exec(token)?.[1] ?? null) : null,
      accepted: owner !== undefined,
    });
    if (!owner) {
      const header = token ? challenge("invalid_token", "The access token is invalid or expired") : challenge("invalid_request", "No access token was provided in this request");
      sendJson(res, 401, { error: token ? "invalid_token" : "unauthorized" }, { "www-authenticate": header });
      return;
    }
    if (req.method === "POST" && message === undefined) {
      sendJson(res, 400, { jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
      return;
    }
    await serveMcp(req, res, message, toolSet);
  }

  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url!, origin);
    const route = async () => {
      if (MCP_PATHS.has(url.pathname)) return handleMcp(req, res);
      if (req.method === "GET" && PRM_PATHS.has(url.pathname)) {
        return sendJson(res, 200, {
          resource_name: "GitHub MCP Server (demo stand-in)",
          resource: mcpUrl,
          authorization_servers: [oauth.issuer],
          bearer_methods_supported: ["header"],
          scopes_supported: GITHUB_SCOPES,
        });
      }
      if (req.method === "GET" && url.pathname === "/.well-known/oauth-authorization-server/login/oauth") return sendJson(res, 200, oauth.metadata());
      if (req.method === "GET" && url.pathname === "/login/oauth/authorize") return reply(res, oauth.authorize(url));
      if (req.method === "POST" && url.pathname === "/login/oauth/access_token") {
        return reply(res, oauth.token({ authorization: req.headers.authorization, accept: req.headers.accept }, await readBody(req)));
      }
      if (req.method === "POST" && url.pathname === "/login/oauth/revoke") return reply(res, oauth.revoke({ authorization: req.headers.authorization }, await readBody(req)));
      if (req.method === "GET" && url.pathname === "/_demo/requests") return log.serve(url, res);
      sendJson(res, 404, { message: "Not Found" });
    };
    route().catch((error: Error) => {
      if (res.headersSent) return res.destroy();
      sendJson(res, 500, { message: error.message });
    });
  });

  return {
    origin,
    mcpUrl,
    prmUrl,
    authorizationServer: oauth.issuer,
    log,
    issuePersonalAccessToken: () => oauth.issuePersonalAccessToken(),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function reply(res: http.ServerResponse, response: { status: number; headers: Record<string, string>; body: string }) {
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}
