// An MCP server of the earlier revisions (2025-03-26 … 2025-11-25) built with
// the MCP SDK: stateful Streamable HTTP (a session per initialize), answering
// in SSE or, with `json`, in JSON. It speaks whatever revision the client asks
// for among those the SDK supports, and counts the tool calls it runs. A test
// may hand it a list it changes between requests (a "rug pull").
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

export const SDK_TOOLS = ["echo", "search_code", "push_files", "create_issue"].map((name) => ({
  name,
  description: `The ${name} tool`,
  inputSchema: { type: "object" as const, properties: {} },
}));

export interface SdkUpstream {
  url: string;
  calls: string[];
  close(): Promise<void>;
}

export async function startSdkUpstream(options: { json: boolean; tools?: () => object[] }): Promise<SdkUpstream> {
  const calls: string[] = [];
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- a fixture: a rejection is an unhandled error that fails the test run, as it should
  const server = http.createServer(async (req, res) => {
    const id = req.headers["mcp-session-id"];
    let transport = typeof id === "string" ? sessions.get(id) : undefined;
    if (!transport) {
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: options.json,
        onsessioninitialized: (sid) => void sessions.set(sid, transport!),
      });
      const mcp = new Server({ name: "sdk-upstream", version: "1.0.0" }, { capabilities: { tools: {} } });
      mcp.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: options.tools?.() ?? SDK_TOOLS }));
      mcp.setRequestHandler(CallToolRequestSchema, async (request) => {
        calls.push(request.params.name);
        return { content: [{ type: "text", text: `${request.params.name} ran` }] };
      });
      await mcp.connect(transport);
    }
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    calls,
    async close() {
      await Promise.all([...sessions.values()].map((t) => t.close()));
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
