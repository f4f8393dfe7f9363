// One MCP endpoint of a stand-in: the SDK's Server over stateless Streamable
// HTTP (JSON responses), a fresh server per request as the SDK's stateless
// pattern has it. The POST body is parsed once here, logged, then handed to
// the transport. GET and DELETE get 405: there are no sessions to stream on.
import type http from "node:http";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type Tool } from "@modelcontextprotocol/sdk/types.js";

export interface McpToolSet {
  serverInfo: { name: string; version: string };
  tools: Tool[];
  call(name: string, args: Record<string, unknown>): unknown;
}

export async function readBody(req: http.IncomingMessage, limit = 1024 * 1024): Promise<string> {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > limit) throw new Error("body too large");
  }
  return body;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** The JSON-RPC method and tool name of a parsed body, for the request log. */
export function describeMessage(message: unknown): { method: string | null; tool: string | null } {
  if (!message || typeof message !== "object" || Array.isArray(message)) return { method: null, tool: null };
  const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
  return { method: typeof method === "string" ? method : null, tool: method === "tools/call" && typeof params?.name === "string" ? params.name : null };
}

export async function serveMcp(req: http.IncomingMessage, res: http.ServerResponse, message: unknown, toolSet: McpToolSet): Promise<void> {
  if (req.method !== "POST") {
    sendJson(res, 405, { jsonrpc: "2.0", id: null, error: { code: -32000, message: "Method not allowed: this server is stateless (POST only)" } }, { allow: "POST" });
    return;
  }
  const byName = new Map(toolSet.tools.map((t) => [t.name, t]));
  const server = new Server(toolSet.serverInfo, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: toolSet.tools }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = byName.get(request.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    const args = request.params.arguments ?? {};
    const missing = (tool.inputSchema.required ?? []).filter((field) => args[field] === undefined);
    if (missing.length) return { isError: true, content: [{ type: "text", text: `missing required parameter: ${missing.join(", ")}` }] };
    const result = toolSet.call(tool.name, args);
    return { content: [{ type: "text", text: typeof result === "string" ? result : JSON.stringify(result, null, 2) }] };
  });
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on("close", () => void transport.close().then(() => server.close()));
  await server.connect(transport);
  await transport.handleRequest(req, res, message);
}
