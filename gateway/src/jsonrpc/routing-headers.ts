// MCP 2026-07-28 (SEP-2243) mirrors the method and the tool/prompt name or
// resource URI into Mcp-Method / Mcp-Name headers so intermediaries can route
// without parsing. An upstream may act on the headers, the gateway decides on
// the body: when the headers are present they must agree with it, and from
// 2026-07-28 on they are required (Mcp-Method on every message with a method,
// Mcp-Name on tools/call, resources/read and prompts/get) — else 400, -32020.
import { GatewayError } from "../errors";
import type { ParsedBody } from "./message";
import { STATELESS_SINCE } from "./protocol-version";

const BASE64_SENTINEL = /^=\?base64\?([A-Za-z0-9+/]*={0,2})\?=$/;

/** Mcp-Name values that are not plain header-safe ASCII arrive as =?base64?<UTF-8 bytes>?=. */
export function decodeHeaderValue(value: string): string {
  const match = BASE64_SENTINEL.exec(value);
  return match ? Buffer.from(match[1]!, "base64").toString("utf8") : value;
}

function nameInBody(method: string, params: Record<string, unknown> | undefined): unknown {
  if (method === "resources/read") return params?.uri;
  if (method === "tools/call" || method === "prompts/get") return params?.name;
  return undefined;
}

const NAMED_METHODS = new Set(["tools/call", "resources/read", "prompts/get"]);

export function checkRoutingHeaders(mcpMethod: string | undefined, mcpName: string | undefined, body: ParsedBody, protocolVersion: string): void {
  const message = body.messages[0]!;
  const id = message.kind === "request" ? message.id : null;
  if (protocolVersion >= STATELESS_SINCE && message.kind !== "response") {
    if (mcpMethod === undefined) throw new GatewayError("header_mismatch", `Mcp-Method is required from protocol version ${STATELESS_SINCE} on`).withId(id);
    if (mcpName === undefined && NAMED_METHODS.has(message.method))
      throw new GatewayError("header_mismatch", `Mcp-Name is required for ${message.method} from protocol version ${STATELESS_SINCE} on`).withId(id);
  }
  if (mcpMethod === undefined && mcpName === undefined) return;
  const mismatch = (what: string) => new GatewayError("header_mismatch", `The ${what} header does not match the request body`).withId(id);
  if (body.batch || message.kind === "response") throw mismatch(mcpMethod !== undefined ? "Mcp-Method" : "Mcp-Name");
  if (mcpMethod !== undefined && mcpMethod !== message.method) throw mismatch("Mcp-Method");
  if (mcpName !== undefined) {
    const expected = message.kind === "request" ? nameInBody(message.method, message.params) : undefined;
    if (typeof expected !== "string" || decodeHeaderValue(mcpName) !== expected) throw mismatch("Mcp-Name");
  }
}
