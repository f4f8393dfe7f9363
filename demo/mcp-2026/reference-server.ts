// A reference MCP 2026-07-28 server, for the tests and the demo's third
// server, written from the specification
// (basic/transports/streamable-http, server/discover, server/utilities/caching,
// basic/patterns/mrtr): stateless — no initialize, no Mcp-Session-Id, no GET
// stream —, every POST checked for MCP-Protocol-Version, the `_meta` version
// and the Mcp-Method / Mcp-Name headers; server/discover; tools/list in pages
// with ttlMs and cacheScope; a tool that needs input (an `input_required`
// result with an elicitation and a requestState echoed back on retry). It
// answers in JSON or, when asked, in SSE, and records every request. Given a
// token check (the demo's: a JWT the IdP issued for this server), it refuses
// requests without a valid bearer token with 401, and serves its request log
// at GET /_demo/requests as the other stand-ins do.
import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { RequestLog, tokenHash } from "../request-log";

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

export interface StatelessUpstreamOptions {
  sse?: boolean;
  /** Default 127.0.0.1 and a free port. */
  host?: string;
  port?: number;
  /** Who a bearer token names, or undefined to refuse it (401). Without, no token is needed. */
  checkToken?: (token: string) => Promise<string | undefined>;
}

export interface StatelessUpstream {
  url: string;
  /** Origin of the server (its request log is at /_demo/requests). */
  origin: string;
  requests: StatelessRequest[];
  log: RequestLog;
  /** Calls of each tool that ran to completion. */
  completedCalls: string[];
  close(): Promise<void>;
}

const PAGE_SIZE = 2;

type Reply = { result: Record<string, unknown> } | { error: { code: number; message: string; data?: unknown }; status: number };

function error(status: number, code: number, message: string, data?: unknown): Reply {
  return { error: { code, message, data }, status };
}

export async function startStatelessUpstream(options: StatelessUpstreamOptions = {}): Promise<StatelessUpstream> {
  const requests: StatelessRequest[] = [];
  const log = new RequestLog();
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

  const describe = (body: Record<string, unknown>) => {
    const params = (body.params ?? {}) as Record<string, unknown>;
    return { method: typeof body.method === "string" ? body.method : null, tool: body.method === "tools/call" && typeof params.name === "string" ? params.name : null };
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, text: string) {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } }));
      return;
    }
    requests.push({ headers: req.headers, body });
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (options.checkToken) {
      const caller = token === undefined ? undefined : await options.checkToken(token);
      log.record({ ...describe(body), caller: caller ?? null, token_hash: token ? tokenHash(token) : null, accepted: caller !== undefined });
      if (caller === undefined) {
        res.writeHead(401, { "content-type": "application/json", "www-authenticate": 'Bearer error="invalid_token"' }).end(JSON.stringify({ error: "invalid_token" }));
        return;
      }
    } else log.record({ ...describe(body), caller: null, token_hash: token ? tokenHash(token) : null, accepted: true });
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
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    if (req.method === "GET" && url.pathname === "/_demo/requests") return log.serve(url, res);
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST" }).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks).toString("utf8")).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/mcp`,
    origin: `http://${host}:${port}`,
    requests,
    log,
    completedCalls,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
