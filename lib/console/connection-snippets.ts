// Copy-paste configuration for MCP clients, per route. Passthrough routes
// take a Portcullis API key in the route's key header, and the client signs
// in to the upstream itself (its OAuth is discovered through the gateway's
// Protected Resource Metadata) — unless the route takes identity from the
// validated token (`identity: token`): then no key. Token-swap routes take no
// API key: the client signs in with the organisation's IdP, discovered the
// same way; sign_in routes neither: the client signs in with Portcullis, so
// the URL alone is the whole configuration.
import type { ServerSettings } from "./schemas/server";

export interface ConnectionSnippet {
  id: "mcp-json" | "vscode" | "cursor" | "claude-code" | "curl";
  label: string;
  /** Where the snippet goes. */
  hint: string;
  code: string;
}

// MCP 2025-11-25 is the newest revision that still starts with `initialize`.
const INITIALIZE_PROTOCOL_VERSION = "2025-11-25";

/** VS Code requires server keys matching ^[a-zA-Z][a-zA-Z0-9_-]*$; use the same key everywhere. */
function clientKey(name: string): string {
  const key = name.replace(/[^A-Za-z0-9_-]/g, "-");
  return /^[A-Za-z]/.test(key) ? key : `mcp-${key}`;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * The MCP JSON entry with the key itself in the header, for the one moment a
 * new key is shown (afterwards only its hash exists).
 */
export function keySnippet(target: { server: string; url: string; keyHeader: string }, key: string): string {
  return json({ mcpServers: { [clientKey(target.server)]: { type: "http", url: target.url, headers: { [target.keyHeader]: key } } } });
}

export function connectionSnippets(server: Pick<ServerSettings, "name" | "auth">, url: string): ConnectionSnippet[] {
  const key = clientKey(server.name);
  const passthrough = server.auth.mode === "passthrough";
  const keyHeader = server.auth.mode === "passthrough" && server.auth.identity !== "token" ? server.auth.key_header : undefined;
  const signIn = passthrough ? "the upstream's authorization server" : server.auth.mode === "sign_in" ? "Portcullis (your organisation's sign-in)" : "your IdP";
  const initialize = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: INITIALIZE_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: "curl", version: "1.0.0" } },
  });
  const curlAuth = keyHeader
    ? [`  -H "${keyHeader}: $PORTCULLIS_API_KEY" \\`, `  -H "Authorization: Bearer $UPSTREAM_TOKEN" \\`]
    : [`  -H "Authorization: Bearer ${passthrough ? "$UPSTREAM_TOKEN" : "$ACCESS_TOKEN"}" \\`];

  return [
    {
      id: "mcp-json",
      label: "MCP JSON",
      hint: keyHeader
        ? "An mcpServers entry (.mcp.json and clients that share its format). Claude Code fills ${PORTCULLIS_API_KEY} from the environment; elsewhere paste your key."
        : `An mcpServers entry (.mcp.json and clients that share its format). The client signs you in with ${signIn}.`,
      code: json({ mcpServers: { [key]: { type: "http", url, ...(keyHeader ? { headers: { [keyHeader]: "${PORTCULLIS_API_KEY}" } } : {}) } } }),
    },
    {
      id: "vscode",
      label: "VS Code",
      hint: keyHeader ? "In .vscode/mcp.json. VS Code asks for the key once and stores it securely." : `In .vscode/mcp.json. VS Code signs you in with ${signIn}.`,
      code: json(
        keyHeader
          ? {
              servers: { [key]: { type: "http", url, headers: { [keyHeader]: "${input:portcullis-api-key}" } } },
              inputs: [{ type: "promptString", id: "portcullis-api-key", description: "Portcullis API key", password: true }],
            }
          : { servers: { [key]: { type: "http", url } } },
      ),
    },
    {
      id: "cursor",
      label: "Cursor",
      hint: keyHeader
        ? "In .cursor/mcp.json (or ~/.cursor/mcp.json for every project). Cursor reads the key from PORTCULLIS_API_KEY in its environment."
        : `In .cursor/mcp.json (or ~/.cursor/mcp.json for every project). Cursor signs you in with ${signIn}.`,
      code: json({ mcpServers: { [key]: { url, ...(keyHeader ? { headers: { [keyHeader]: "${env:PORTCULLIS_API_KEY}" } } : {}) } } }),
    },
    {
      id: "claude-code",
      label: "Claude Code",
      hint: keyHeader ? "Run in a terminal with PORTCULLIS_API_KEY set." : `Run in a terminal. Claude Code signs you in with ${signIn} on first use.`,
      code: keyHeader ? `claude mcp add --transport http ${key} ${url} --header "${keyHeader}: $PORTCULLIS_API_KEY"` : `claude mcp add --transport http ${key} ${url}`,
    },
    {
      id: "curl",
      label: "curl",
      hint: keyHeader ? "Checks the route by hand with your API key and a token from the upstream." : `Checks the route by hand with an access token from ${signIn}.`,
      code: [`curl -i '${url}' \\`, `  -H "Content-Type: application/json" \\`, `  -H "Accept: application/json, text/event-stream" \\`, ...curlAuth, `  -d '${initialize}'`].join(
        "\n",
      ),
    },
  ];
}
