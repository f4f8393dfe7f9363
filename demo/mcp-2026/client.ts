// A spec-exact MCP 2026-07-28 client for tests: every request carries its
// protocol version and capabilities in `_meta`, and MCP-Protocol-Version,
// Mcp-Method and (where the spec requires it) Mcp-Name headers; answers are
// read from JSON or from an SSE stream (the last JSON-RPC response in it).

export const CLIENT_META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": { elicitation: { form: {} } },
  "io.modelcontextprotocol/clientInfo": { name: "portcullis-test-client", version: "1.0.0" },
};

export interface StatelessAnswer {
  status: number;
  headers: Headers;
  /** The JSON-RPC response (for SSE, the one answering the request). */
  message: { id?: unknown; result?: Record<string, unknown>; error?: { code: number; message: string; data?: Record<string, unknown> } };
}

const NAMED = new Set(["tools/call", "resources/read", "prompts/get"]);
let nextId = 1;

export async function statelessRequest(
  url: string,
  method: string,
  params: Record<string, unknown> = {},
  options: { headers?: Record<string, string>; omit?: string[] } = {},
): Promise<StatelessAnswer> {
  const id = nextId++;
  const body = { jsonrpc: "2.0", id, method, params: { ...params, _meta: { ...CLIENT_META, ...(params._meta as object | undefined) } } };
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": "2026-07-28",
    "mcp-method": method,
    ...(NAMED.has(method) ? { "mcp-name": String(params.name ?? params.uri) } : {}),
    ...options.headers,
  };
  for (const name of options.omit ?? []) delete headers[name];
  const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  if (!type.startsWith("text/event-stream")) return { status: response.status, headers: response.headers, message: JSON.parse(text) as StatelessAnswer["message"] };
  const messages = text
    .split(/\n\n/)
    .map((event) =>
      event
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trimStart())
        .join("\n"),
    )
    .filter(Boolean)
    .map((data) => JSON.parse(data) as StatelessAnswer["message"]);
  return { status: response.status, headers: response.headers, message: messages.find((m) => m.id === id) ?? messages[messages.length - 1]! };
}
