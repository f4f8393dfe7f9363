// A minimal MCP server for the recording upstream: initialize, tools/list in
// two pages, tools/call echoing the tool's name, 202 for notifications and
// responses, 405 for GET (no server stream).
import type http from "node:http";
import { jsonResponse, type RecordedRequest } from "./recording-upstream";

export const FAKE_TOOLS = ["search_repositories", "push_files", "create_issue", "get_me"].map((name) => ({ name, inputSchema: { type: "object" } }));

interface Message {
  id?: unknown;
  method?: string;
  params?: { cursor?: string; name?: string; protocolVersion?: string };
}

function answer(m: Message) {
  switch (m.method) {
    case "initialize":
      return {
        jsonrpc: "2.0",
        id: m.id,
        result: { protocolVersion: m.params?.protocolVersion ?? "2025-06-18", capabilities: { tools: {} }, serverInfo: { name: "fake", version: "1" } },
      };
    case "tools/list":
      return { jsonrpc: "2.0", id: m.id, result: m.params?.cursor === "p2" ? { tools: FAKE_TOOLS.slice(2) } : { tools: FAKE_TOOLS.slice(0, 2), nextCursor: "p2" } };
    case "tools/call":
      return { jsonrpc: "2.0", id: m.id, result: { content: [{ type: "text", text: `called ${m.params?.name}` }] } };
    default:
      return { jsonrpc: "2.0", id: m.id, result: { echoed: m.method } };
  }
}

export function fakeMcpServer(req: RecordedRequest, res: http.ServerResponse) {
  if (req.method === "GET") {
    res.writeHead(405);
    return res.end();
  }
  if (req.method !== "POST") return jsonResponse(res, {});
  const body = JSON.parse(req.body) as Message | Message[];
  const messages = Array.isArray(body) ? body : [body];
  const requests = messages.filter((m) => m.method !== undefined && m.id !== undefined);
  if (requests.length === 0) {
    res.writeHead(202);
    return res.end();
  }
  jsonResponse(res, Array.isArray(body) ? requests.map(answer) : answer(body));
}
