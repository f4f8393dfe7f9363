// MCP 2026-07-28 (SEP-2243) mirrors the method and the tool/prompt name or
// resource URI into Mcp-Method / Mcp-Name headers so intermediaries can route
// without parsing. An upstream may act on the headers, the gateway decides on
// the body: when the headers are present they must agree with it (400, -32020).
import { GatewayError } from "../errors";
import type { ParsedBody } from "./message";

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

export function checkRoutingHeaders(mcpMethod: string | undefined, mcpName: string | undefined, body: ParsedBody): void {
  if (mcpMethod === undefined && mcpName === undefined) return;
  const message = body.messages[0]!;
  const mismatch = (what: string) => new GatewayError("header_mismatch", `The ${what} header does not match the request body`).withId(message.kind === "request" ? message.id : null);
  if (body.batch || message.kind === "response") throw mismatch(mcpMethod !== undefined ? "Mcp-Method" : "Mcp-Name");
  if (mcpMethod !== undefined && mcpMethod !== message.method) throw mismatch("Mcp-Method");
  if (mcpName !== undefined) {
    const expected = message.kind === "request" ? nameInBody(message.method, message.params) : undefined;
    if (typeof expected !== "string" || decodeHeaderValue(mcpName) !== expected) throw mismatch("Mcp-Name");
  }
}
