// A small MCP server for tool-sync tests: the SDK's Server over stateless
// Streamable HTTP on a free port, listing `tools` a few per page (with
// nextCursor), optionally demanding a bearer token. Tests change `tools`
// between syncs to make tools appear, change and disappear.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";

export interface McpToolsServer {
  url: string;
  tools: Tool[];
  /** tools/list requests seen, with the cursor each asked for. */
  listRequests: (string | undefined)[];
  /** Authorization headers seen. */
  authorizations: (string | undefined)[];
  close(): Promise<void>;
}

export async function startMcpToolsServer(options: { pageSize?: number; bearerToken?: string } = {}): Promise<McpToolsServer> {
  const pageSize = options.pageSize ?? 2;
  const state: McpToolsServer = { url: "", tools: [], listRequests: [], authorizations: [], close: async () => undefined };

  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- a fixture: a rejection is an unhandled error that fails the test run, as it should
  const http_ = http.createServer(async (req, res) => {
    state.authorizations.push(req.headers.authorization);
    if (options.bearerToken && req.headers.authorization !== `Bearer ${options.bearerToken}`) {
      res.writeHead(401, { "www-authenticate": 'Bearer error="invalid_token"', "content-type": "application/json" }).end('{"error":"invalid_token"}');
      return;
    }
    const server = new Server({ name: "tools-fixture", version: "1.0.0" }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async (request) => {
      const cursor = request.params?.cursor;
      state.listRequests.push(cursor);
      const start = cursor ? Number(cursor) : 0;
      const end = start + pageSize;
      return { tools: state.tools.slice(start, end), ...(end < state.tools.length ? { nextCursor: String(end) } : {}) };
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => void transport.close().then(() => server.close()));
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http_.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(http_.address() as AddressInfo).port}/mcp`;
  state.close = () =>
    new Promise((resolve) => {
      http_.close(() => resolve());
      http_.closeAllConnections();
    });
  return state;
}
