// Reading a POSTed JSON-RPC body once, into the value the gateway decides on
// and then forwards re-serialised. Anything whose meaning could differ between
// the gateway and the upstream is refused here: duplicate keys and escapes
// disappear in the parse, method names must be exact, tool names must be the
// plain MCP form (so "push_files " or "push_files\0" cannot slip past a rule).
import { TOOL_NAME_PATTERN } from "../../../lib/core/config/schema";
import { GatewayError, type JsonRpcId } from "../errors";

export type JsonRpcMessage =
  | { kind: "request"; id: string | number; method: string; params: Record<string, unknown> | undefined; raw: Record<string, unknown> }
  | { kind: "notification"; method: string; raw: Record<string, unknown> }
  | { kind: "response"; id: JsonRpcId; raw: Record<string, unknown> };

export interface ParsedBody {
  messages: JsonRpcMessage[];
  batch: boolean;
}

/** Absent MCP-Protocol-Version header: the spec says assume 2025-03-26. */
export const DEFAULT_PROTOCOL_VERSION = "2025-03-26";
/** The revision that removed JSON-RPC batching. */
const BATCHING_REMOVED_IN = "2025-06-18";

// Method names are printable ASCII without spaces; methods the gateway acts on
// must be spelt exactly, so "Tools/Call" cannot reach an upstream that folds case.
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
const GUARDED_METHODS = new Set(["tools/call", "tools/list"]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(message: string, id: JsonRpcId = null): GatewayError {
  return new GatewayError("invalid_request", message).withId(id);
}

function readId(value: unknown): value is string | number {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

function checkMethod(method: unknown, id: JsonRpcId): string {
  if (typeof method !== "string" || !PRINTABLE_ASCII.test(method)) throw invalid("The method must be a non-empty string of printable ASCII", id);
  if (!GUARDED_METHODS.has(method) && GUARDED_METHODS.has(method.toLowerCase())) throw invalid(`Unknown method '${method}' (methods are case-sensitive)`, id);
  return method;
}

function checkToolCall(id: string | number, params: unknown): void {
  if (!isObject(params)) throw new GatewayError("invalid_params", "tools/call needs params with a tool name").withId(id);
  const name = params.name;
  if (typeof name !== "string") throw new GatewayError("invalid_params", "params.name must be a string").withId(id);
  if (!TOOL_NAME_PATTERN.test(name)) throw new GatewayError("invalid_params", "Invalid tool name: tool names are 1–128 characters of letters, digits, '_', '-', '.', '/'").withId(id);
}

export function classifyMessage(value: unknown): JsonRpcMessage {
  if (!isObject(value) || value.jsonrpc !== "2.0") throw invalid("Expected a JSON-RPC 2.0 message");
  const hasId = "id" in value;
  const id = value.id;
  if ("method" in value) {
    if (hasId && !readId(id)) throw invalid("A request id must be a string or a number");
    const method = checkMethod(value.method, hasId ? (id as string | number) : null);
    if (value.params !== undefined && !isObject(value.params) && !Array.isArray(value.params)) throw invalid("params must be an object or an array", hasId ? (id as string | number) : null);
    if (!hasId) return { kind: "notification", method, raw: value };
    const request = id as string | number;
    if (method === "tools/call") checkToolCall(request, value.params);
    return { kind: "request", id: request, method, params: isObject(value.params) ? value.params : undefined, raw: value };
  }
  if (hasId && (id === null || readId(id)) && ("result" in value || "error" in value)) return { kind: "response", id: id as JsonRpcId, raw: value };
  throw invalid("Expected a JSON-RPC request, notification or response");
}

/**
 * Parses a POST body. Batches (arrays) are checked element by element for
 * 2025-03-26, the one revision that allows them, and refused for later ones.
 */
export function parseJsonRpcBody(text: string, protocolVersion: string): ParsedBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new GatewayError("parse_error", "Parse error: the body is not valid JSON");
  }
  if (!Array.isArray(value)) return { messages: [classifyMessage(value)], batch: false };
  if (protocolVersion >= BATCHING_REMOVED_IN) throw invalid(`JSON-RPC batches are not supported in protocol version ${protocolVersion}`);
  if (value.length === 0) throw invalid("An empty batch is not a valid JSON-RPC request");
  return { messages: value.map(classifyMessage), batch: true };
}

/** What the gateway forwards: the parsed value written anew, never the bytes it received. */
export function serialiseBody(body: ParsedBody): string {
  return JSON.stringify(body.batch ? body.messages.map((m) => m.raw) : body.messages[0]!.raw);
}

/** The id an error about this body answers, when there is exactly one. */
export function singleRequestId(body: ParsedBody | undefined): JsonRpcId {
  const only = body && !body.batch ? body.messages[0] : undefined;
  return only && only.kind === "request" ? only.id : null;
}
