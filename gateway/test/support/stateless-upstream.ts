// A reference MCP 2026-07-28 server for tests, written from the specification
// (basic/transports/streamable-http, server/discover, server/utilities/caching,
// basic/patterns/mrtr): stateless — no initialize, no Mcp-Session-Id, no GET
// stream —, every POST checked for MCP-Protocol-Version, the `_meta` version
// and the Mcp-Method / Mcp-Name headers; server/discover; tools/list in pages
// with ttlMs and cacheScope; a tool that needs input (an `input_required`
// result with an elicitation and a requestState echoed back on retry). It
// answers in JSON or, when asked, in SSE, and records every request.
import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export const STATELESS_VERSION = "2026-07-28";

export const STATELESS_TOOLS = ["echo", "search_code", "push_files", "delete_branch", "create_issue"].map((name) => ({
  name,
  description: `The ${name} tool`,
  inputSchema: { type: "object", properties: { text: { type: "string" } } },
}));

export interface StatelessRequest {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface StatelessUpstream {
  url: string;
  requests: StatelessRequest[];
  /** Calls of each tool that ran to completion. */
  completedCalls: string[];
  close(): Promise<void>;
}

const PAGE_SIZE = 2;

type Reply = { result: Record<string, unknown> } | { error: { code: number; message: string; data?: unknown }; status: number };

function error(status: number, code: number, message: string, data?: unknown): Reply {
  return { error: { code, message, data }, status };
}

export async function startStatelessUpstream(options: { sse?: boolean } = {}): Promise<StatelessUpstream> {
  const requests: StatelessRequest[] = [];
  const completedCalls: string[] = [];
  const stateKey = randomBytes(32);
  const sign = (value: string) => `${Buffer.from(value).toString("base64url")}.${createHmac("sha256", stateKey).update(value).digest("base64url")}`;
  const verify = (state: unknown) => {
    if (typeof state !== "string") return undefined;
    const [value, mac] = state.split(".");
    const text = Buffer.from(value ?? "", "base64url").toString();
    return mac === createHmac("sha256", stateKey).update(text).digest("base64url") ? text : undefined;
  };

  function answer(headers: http.IncomingHttpHeaders, message: Record<string, unknown>): Reply {
    const version = headers["mcp-protocol-version"];
    const params = (message.params ?? {}) as Record<string, unknown>;
    const meta = (params._meta ?? {}) as Record<string, unknown>;
    if (version !== STATELESS_VERSION) return error(400, -32022, "Unsupported protocol version", { supported: [STATELESS_VERSION], requested: version ?? null });
    if (meta["io.modelcontextprotocol/protocolVersion"] !== version) return error(400, -32020, "Header mismatch: MCP-Protocol-Version does not match _meta");
    if (headers["mcp-method"] !== message.method) return error(400, -32020, "Header mismatch: Mcp-Method");
    const named = message.method === "tools/call" ? params.name : undefined;
    if (named !== undefined && headers["mcp-name"] !== named) return error(400, -32020, "Header mismatch: Mcp-Name");
    const serverInfo = { "io.modelcontextprotocol/serverInfo": { name: "stateless-reference", version: "1.0.0" } };
    switch (message.method) {
      case "server/discover":
        return {
          result: {
            resultType: "complete",
            supportedVersions: [STATELESS_VERSION],
            capabilities: { tools: { listChanged: false } },
            _meta: serverInfo,
            ttlMs: 3_600_000,
            cacheScope: "public",
          },
        };
      case "tools/list": {
        const start = typeof params.cursor === "string" ? Number(params.cursor) : 0;
        if (!Number.isInteger(start) || start < 0 || start >= STATELESS_TOOLS.length) return error(200, -32602, "Invalid cursor");
        const end = start + PAGE_SIZE;
        return {
          result: {
            resultType: "complete",
            tools: STATELESS_TOOLS.slice(start, end),
            ...(end < STATELESS_TOOLS.length ? { nextCursor: String(end) } : {}),
            ttlMs: 300_000,
            cacheScope: "public",
            _meta: serverInfo,
          },
        };
      }
      case "tools/call": {
        const name = String(params.name);
        if (!STATELESS_TOOLS.some((t) => t.name === name)) return error(200, -32602, `Unknown tool: ${name}`);
        if (name === "delete_branch") {
          const confirmed = verify(params.requestState) === `confirm:${name}`;
          const response = (params.inputResponses as Record<string, { action?: string }> | undefined)?.confirm;
          if (!confirmed || response?.action !== "accept") {
            return {
              result: {
                resultType: "input_required",
                inputRequests: {
                  confirm: { method: "elicitation/create", params: { mode: "form", message: "Delete the branch?", requestedSchema: { type: "object", properties: {} } } },
                },
                requestState: sign(`confirm:${name}`),
              },
            };
          }
        }
        completedCalls.push(name);
        return { result: { resultType: "complete", content: [{ type: "text", text: `${name}: ${JSON.stringify(params.arguments ?? {})}` }], _meta: serverInfo } };
      }
      default:
        return error(200, -32601, `Method not found: ${String(message.method)}`);
    }
  }

  const server = http.createServer((req, res) => {
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST" }).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      requests.push({ headers: req.headers, body });
      if (!("id" in body)) {
        res.writeHead(202).end();
        return;
      }
      const reply = answer(req.headers, body);
      const message = "result" in reply ? { jsonrpc: "2.0", id: body.id, result: reply.result } : { jsonrpc: "2.0", id: body.id, error: reply.error };
      const status = "result" in reply ? 200 : reply.status;
      if (options.sse && status === 200) {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        res.write(`event: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: 1, progress: 0.5 } })}\n\n`);
        res.end(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
        return;
      }
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(message));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests,
    completedCalls,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
