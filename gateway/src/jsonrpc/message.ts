// Reading a POSTed JSON-RPC body once, into the value the gateway decides on
// and then forwards re-serialised. Nothing is forwarded that a mainstream
// decoder could read differently from the gateway:
// - the parse drops duplicate keys and resolves escapes, and the re-serialised
//   value holds each key once, unescaped (first-wins and last-wins decoders agree);
// - the envelope is rebuilt from the members the gateway read (jsonrpc, id,
//   method, params — or result/error), and a key that a case-insensitive decoder
//   (Go) would take for one of them (`Method`, `ID`, `paramſ`) is refused;
// - in params, a key folding onto a member the gateway reads (`Name`) and, at any
//   depth, two keys of one object that fold together (`owner`/`Owner`) are refused;
// - method names must be exact, and near misses of the methods the gateway
//   guards (`Tools/Call`, `tools//call`) are refused; guarded methods must be
//   requests (a notification would run unjudged on an upstream that reads `ID`);
// - tool names must be the plain MCP form (so "push_files " cannot slip past a rule);
// - nesting deeper than MAX_JSON_DEPTH is refused before anything recurses over it.
import { TOOL_NAME_PATTERN } from "../../../lib/core/config/schema";
import { GatewayError, type JsonRpcId } from "../errors";
import { findShapeProblem, looseSpelling, type ShapeProblem } from "./json-shape";
import { foldKey } from "./key-fold";

export type JsonRpcMessage =
  | { kind: "request"; id: string | number; method: string; params: Record<string, unknown> | undefined; raw: Record<string, unknown> }
  | { kind: "notification"; method: string; raw: Record<string, unknown> }
  | { kind: "response"; id: JsonRpcId; raw: Record<string, unknown> };

export interface ParsedBody {
  messages: JsonRpcMessage[];
  batch: boolean;
}

/** The revision that removed JSON-RPC batching. */
const BATCHING_REMOVED_IN = "2025-06-18";

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
/** Methods the gateway judges: they must be spelt exactly and sent as requests. */
export const GUARDED_METHODS: ReadonlySet<string> = new Set(["tools/call", "tools/list", "server/discover"]);
const ENVELOPE_MEMBERS: ReadonlySet<string> = new Set(["jsonrpc", "id", "method", "params", "result", "error"]);
/** The members of params the gateway reads, per guarded method. */
const READ_PARAMS: Readonly<Record<string, ReadonlySet<string>>> = {
  "tools/call": new Set(["name", "arguments", "_meta", "inputResponses", "requestState"]),
  "tools/list": new Set(["cursor", "_meta"]),
  "server/discover": new Set(["_meta"]),
};

/** A method name with case, punctuation and width folded away: `Tools//Call` → `toolscall`. */
function methodSkeleton(method: string): string {
  return foldKey(method).replace(/[^a-z0-9]/g, "");
}
const GUARDED_SKELETONS = new Set([...GUARDED_METHODS].map(methodSkeleton));

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(message: string, id: JsonRpcId = null): GatewayError {
  return new GatewayError("invalid_request", message).withId(id);
}

function isId(value: unknown): value is string | number {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

function checkMethod(method: unknown, id: JsonRpcId): string {
  if (typeof method !== "string" || !PRINTABLE_ASCII.test(method)) throw invalid("The method must be a non-empty string of printable ASCII", id);
  if (!GUARDED_METHODS.has(method) && GUARDED_SKELETONS.has(methodSkeleton(method))) throw invalid(`Unknown method '${method}' (method names are exact and case-sensitive)`, id);
  return method;
}

function shapeError(problem: ShapeProblem, where: string, id: JsonRpcId): GatewayError {
  if (problem.kind === "too_deep") return invalid(`The message nests deeper than the gateway accepts`, id);
  const [a, b] = problem.keys;
  return new GatewayError("invalid_params", `${where} holds the keys ${JSON.stringify(a)} and ${JSON.stringify(b)}, which some servers read as one key`).withId(id);
}

function checkParams(method: string, params: unknown, id: JsonRpcId): void {
  if (params === undefined) return;
  if (!isObject(params) && !Array.isArray(params)) throw invalid("params must be an object or an array", id);
  const read = READ_PARAMS[method];
  if (read && isObject(params)) {
    const loose = looseSpelling(params, read);
    if (loose !== undefined) throw new GatewayError("invalid_params", `params holds ${JSON.stringify(loose)}, a different spelling of a member the gateway reads`).withId(id);
  }
  const problem = findShapeProblem(params);
  if (problem) throw shapeError(problem, "params", id);
}

function checkToolCall(id: string | number, params: unknown): void {
  if (!isObject(params)) throw new GatewayError("invalid_params", "tools/call needs params with a tool name").withId(id);
  const name = params.name;
  if (typeof name !== "string") throw new GatewayError("invalid_params", "params.name must be a string").withId(id);
  if (!TOOL_NAME_PATTERN.test(name))
    throw new GatewayError("invalid_params", "Invalid tool name: tool names are 1–128 characters of letters, digits, '_', '-', '.', '/'").withId(id);
}

function classifyCall(value: Record<string, unknown>): JsonRpcMessage {
  const hasId = "id" in value;
  if (hasId && !isId(value.id)) throw invalid("A request id must be a string or a number");
  const id = hasId ? (value.id as string | number) : null;
  if ("result" in value || "error" in value) throw invalid("A message cannot be both a request and a response", id);
  const method = checkMethod(value.method, id);
  checkParams(method, value.params, id);
  const raw: Record<string, unknown> = hasId ? { jsonrpc: "2.0", id, method } : { jsonrpc: "2.0", method };
  if (value.params !== undefined) raw.params = value.params;
  if (id === null) {
    if (GUARDED_METHODS.has(method)) throw invalid(`${method} must be sent as a request, with an id`);
    return { kind: "notification", method, raw };
  }
  if (method === "tools/call") checkToolCall(id, value.params);
  return { kind: "request", id, method, params: isObject(value.params) ? value.params : undefined, raw };
}

function classifyResponse(value: Record<string, unknown>): JsonRpcMessage {
  const id = value.id;
  const hasResult = "result" in value;
  if (!("id" in value) || !(id === null || isId(id)) || hasResult === "error" in value) throw invalid("Expected a JSON-RPC request, notification or response");
  const payload = hasResult ? value.result : value.error;
  const problem = findShapeProblem(payload);
  if (problem) throw shapeError(problem, hasResult ? "result" : "error", id);
  const raw = hasResult ? { jsonrpc: "2.0", id, result: payload } : { jsonrpc: "2.0", id, error: payload };
  return { kind: "response", id, raw };
}

export function classifyMessage(value: unknown): JsonRpcMessage {
  if (!isObject(value)) throw invalid("Expected a JSON-RPC 2.0 message");
  const loose = looseSpelling(value, ENVELOPE_MEMBERS);
  if (loose !== undefined) throw invalid(`The message holds ${JSON.stringify(loose)}, a different spelling of a JSON-RPC member`, isId(value.id) ? value.id : null);
  if (value.jsonrpc !== "2.0") throw invalid("Expected a JSON-RPC 2.0 message");
  return "method" in value ? classifyCall(value) : classifyResponse(value);
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

/** What the gateway forwards: the rebuilt messages written anew, never the bytes it received. */
export function serialiseBody(body: ParsedBody): string {
  return JSON.stringify(body.batch ? body.messages.map((m) => m.raw) : body.messages[0]!.raw);
}

/** The id an error about this body answers, when there is exactly one. */
export function singleRequestId(body: ParsedBody | undefined): JsonRpcId {
  const only = body && !body.batch ? body.messages[0] : undefined;
  return only && only.kind === "request" ? only.id : null;
}

const META_FOLD = foldKey("_meta");
const TRACE_CONTEXT_FOLDS = new Set(["traceparent", "tracestate"]);

/**
 * A request or notification carrying the gateway's W3C Trace Context in params._meta
 * (OpenTelemetry MCP semantic conventions, "Context propagation"; SEP-414: unprefixed keys).
 * The message stays one the differential rules accept: the caller's trace keys (any spelling
 * that folds onto them) are replaced, and a message whose params are an array, whose _meta is
 * not an object, or which holds another spelling of `_meta` is left as it was.
 */
function withTraceContext(message: JsonRpcMessage, carrier: { traceparent: string; tracestate?: string }): Record<string, unknown> {
  if (message.kind === "response") return message.raw;
  const params = message.raw.params;
  if (params !== undefined && !isObject(params)) return message.raw;
  const members = params ?? {};
  for (const key of Object.keys(members)) if (key !== "_meta" && foldKey(key) === META_FOLD) return message.raw;
  const meta = members._meta;
  if (meta !== undefined && !isObject(meta)) return message.raw;
  const kept = Object.entries(meta ?? {}).filter(([key]) => !TRACE_CONTEXT_FOLDS.has(foldKey(key)));
  return { ...message.raw, params: { ...members, _meta: { ...Object.fromEntries(kept), ...carrier } } };
}

/** serialiseBody, with the gateway's trace context in every request's and notification's params._meta. */
export function serialiseBodyWithTraceContext(body: ParsedBody, carrier: { traceparent: string; tracestate?: string }): string {
  return JSON.stringify(body.batch ? body.messages.map((m) => withTraceContext(m, carrier)) : withTraceContext(body.messages[0]!, carrier));
}
