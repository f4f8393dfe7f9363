import { describe, expect, it } from "vitest";
import { connectionSnippets, keySnippet } from "./connection-snippets";
import { serverInputSchema } from "./schemas/server";

const url = "https://gateway.example.com/github-mcp";
const passthrough = serverInputSchema.parse({
  name: "github",
  path: "/github-mcp",
  upstream: "https://api.githubcopilot.com/mcp/",
  auth: { mode: "passthrough", key_header: "x-portcullis-key" },
});
const tokenSwap = serverInputSchema.parse({
  name: "1konnect.prod",
  path: "/konnect",
  upstream: "https://us.mcp.konghq.com/",
  auth: { mode: "token_swap", issuer: "https://idp.example.com", jwks: { uri: "https://idp.example.com/certs" } },
});

const byId = (snippets: ReturnType<typeof connectionSnippets>) => Object.fromEntries(snippets.map((s) => [s.id, s.code]));

describe("client snippets", () => {
  it("give passthrough clients the URL and the route's key header", () => {
    const code = byId(connectionSnippets(passthrough, url));
    expect(JSON.parse(code["mcp-json"]!)).toEqual({ mcpServers: { github: { type: "http", url, headers: { "x-portcullis-key": "${PORTCULLIS_API_KEY}" } } } });
    expect(JSON.parse(code.vscode!)).toEqual({
      servers: { github: { type: "http", url, headers: { "x-portcullis-key": "${input:portcullis-api-key}" } } },
      inputs: [{ type: "promptString", id: "portcullis-api-key", description: "Portcullis API key", password: true }],
    });
    // Cursor interpolates ${env:NAME} in mcp.json.
    expect(JSON.parse(code.cursor!)).toEqual({ mcpServers: { github: { url, headers: { "x-portcullis-key": "${env:PORTCULLIS_API_KEY}" } } } });
    expect(code["claude-code"]).toBe(`claude mcp add --transport http github ${url} --header "x-portcullis-key: $PORTCULLIS_API_KEY"`);
    expect(code.curl).toContain('-H "x-portcullis-key: $PORTCULLIS_API_KEY"');
    expect(code.curl).toContain('-H "Accept: application/json, text/event-stream"');
  });

  it("send a well-formed initialize request with curl", () => {
    const body = /-d '(.*)'$/.exec(byId(connectionSnippets(passthrough, url)).curl!)![1]!;
    expect(JSON.parse(body)).toMatchObject({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "curl" } },
    });
  });

  it("carry no API key for token-swap routes, and a VS Code-valid server key", () => {
    const code = byId(connectionSnippets(tokenSwap, url));
    expect(JSON.parse(code.vscode!)).toEqual({ servers: { "mcp-1konnect-prod": { type: "http", url } } });
    expect(JSON.parse(code["mcp-json"]!).mcpServers["mcp-1konnect-prod"]).toEqual({ type: "http", url });
    expect(JSON.parse(code.cursor!)).toEqual({ mcpServers: { "mcp-1konnect-prod": { url } } });
    expect(code.curl).toContain('-H "Authorization: Bearer $ACCESS_TOKEN"');
    expect(code.curl).not.toContain("API_KEY");
  });

  it("carry no API key for passthrough routes whose identity comes from the validated token, and name the upstream's sign-in", () => {
    const byToken = serverInputSchema.parse({
      ...passthrough,
      auth: {
        ...passthrough.auth,
        validate: { issuer: "https://github.com/login/oauth", audience: "https://api.example.com/mcp", jwks: { uri: "https://github.com/jwks" } },
        identity: "token",
      },
    });
    const snippets = connectionSnippets(byToken, url);
    const code = byId(snippets);
    expect(JSON.parse(code["mcp-json"]!)).toEqual({ mcpServers: { github: { type: "http", url } } });
    expect(code.curl).toContain('-H "Authorization: Bearer $UPSTREAM_TOKEN"');
    expect(code.curl).not.toContain("PORTCULLIS_API_KEY");
    expect(snippets.find((s) => s.id === "vscode")!.hint).toBe("In .vscode/mcp.json. VS Code signs you in with the upstream's authorization server.");
  });

  it("give sign-in routes the URL alone in Claude Code, VS Code and Cursor, and name Portcullis as the sign-in", () => {
    const signIn = serverInputSchema.parse({ name: "github", path: "/github", upstream: "https://api.githubcopilot.com/mcp/", auth: { mode: "sign_in" } });
    const snippets = connectionSnippets(signIn, url);
    const code = byId(snippets);
    expect(code["claude-code"]).toBe(`claude mcp add --transport http github ${url}`);
    expect(JSON.parse(code.vscode!)).toEqual({ servers: { github: { type: "http", url } } });
    expect(JSON.parse(code.cursor!)).toEqual({ mcpServers: { github: { url } } });
    expect(JSON.parse(code["mcp-json"]!)).toEqual({ mcpServers: { github: { type: "http", url } } });
    for (const snippet of snippets.filter((s) => s.id !== "curl")) {
      expect(snippet.code).not.toMatch(/API_KEY|apikey|Authorization/i);
      expect(snippet.hint).toContain("Portcullis");
    }
  });
});

describe("the snippet after a key is issued", () => {
  it("carries the key itself in the route's key header", () => {
    expect(JSON.parse(keySnippet({ server: "1github", url, keyHeader: "apikey" }, "pcs_secret_123"))).toEqual({
      mcpServers: { "mcp-1github": { type: "http", url, headers: { apikey: "pcs_secret_123" } } },
    });
  });
});
