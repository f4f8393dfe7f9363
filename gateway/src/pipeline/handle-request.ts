// The request pipeline: route → CORS → authenticate/identify → session →
// message → tool access → credentials → forward. Each step either fills in the
// context or throws a GatewayError; the first refusal ends the request. The
// audit event and metrics are written when the response closes, whatever
// happened, and can never change the response.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { CompiledAuth, CompiledConfig, CompiledRoute } from "../config/compile";
import type { AuditEvent } from "../../../lib/core/audit/event";
import type { AuditSink } from "../audit/audit-sink";
import { protectedResourceMetadata, type UpstreamMetadataCache } from "../discovery/protected-resource";
import { GatewayError, jsonRpcErrorResponse, toGatewayError, type ErrorCode } from "../errors";
import { DEFAULT_PROTOCOL_VERSION, parseJsonRpcBody, serialiseBody, singleRequestId } from "../jsonrpc/message";
import { checkRoutingHeaders } from "../jsonrpc/routing-headers";
import type { GatewayMetrics } from "../metrics/gateway-metrics";
import { headerValue } from "../transport/headers";
import { readRequestBody } from "../transport/request-body";
import type { VaultResolver } from "../vault/vault-resolver";
import { RequestContext } from "./context";
import { answerPreflight, corsHeaders } from "./cors";
import { forwardToUpstream, sessionOwner, type ForwardDeps } from "./forward";
import { authenticatePassthrough } from "./identify-by-key";
import { decideToolCalls } from "./tool-access";
import { applyUpstreamCredentials, upstreamIdentity, type RouteHealth } from "./upstream-credentials";

export type TokenSwapAuth = Extract<CompiledAuth, { mode: "token_swap" }>;

export interface TokenAuthenticator {
  /** Validates the bearer token for the route and sets ctx.caller (and ctx.endUser). */
  authenticate(ctx: RequestContext, auth: TokenSwapAuth): Promise<void>;
}

export interface Logger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ProxyDeps extends ForwardDeps {
  config: () => CompiledConfig | undefined;
  metadata: UpstreamMetadataCache;
  tokens: TokenAuthenticator;
  vault: VaultResolver;
  health: RouteHealth;
  audit: AuditSink;
  metrics: GatewayMetrics;
  log: Logger;
}

const MCP_METHODS = new Set(["POST", "GET", "DELETE"]);
const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;
/** Refusals of who the caller is or what they may do; everything else that fails is an error. */
const DENIALS = new Set<ErrorCode>(["token_missing", "token_invalid", "insufficient_scope", "key_missing", "key_unknown", "key_malformed", "consumer_unknown", "origin_denied", "tool_denied", "session_not_found"]);

async function authenticate(ctx: RequestContext, route: CompiledRoute, deps: ProxyDeps): Promise<void> {
  if (route.auth.mode === "passthrough") {
    authenticatePassthrough(ctx, route.auth.keyHeader, route.auth.upstreamPrm ? ctx.metadataUrl : undefined);
    return;
  }
  await deps.tokens.authenticate(ctx, route.auth);
  if (!route.forwardCallerToken) ctx.upstreamIdentity = upstreamIdentity(route);
}

function bindSession(ctx: RequestContext, deps: ProxyDeps) {
  const presented = headerValue(ctx.req.headers["mcp-session-id"]);
  if (presented !== undefined) ctx.upstreamSessionId = deps.sessions.unbind(ctx.route!.name, sessionOwner(ctx), presented);
}

async function readMessage(ctx: RequestContext) {
  const type = ctx.req.headers["content-type"];
  if (type === undefined || !JSON_CONTENT_TYPE.test(type)) throw new GatewayError("unsupported_media_type", "Content-Type must be application/json");
  const raw = await readRequestBody(ctx.req, ctx.config!.maxBodyBytes);
  ctx.bytesIn = raw.length;
  const version = headerValue(ctx.req.headers["mcp-protocol-version"]) ?? DEFAULT_PROTOCOL_VERSION;
  ctx.body = parseJsonRpcBody(raw.toString("utf8"), version);
  checkRoutingHeaders(headerValue(ctx.req.headers["mcp-method"]), headerValue(ctx.req.headers["mcp-name"]), ctx.body);
}

async function serveMetadata(ctx: RequestContext, route: CompiledRoute, deps: ProxyDeps) {
  ctx.route = route;
  const headers = { "access-control-allow-origin": "*" };
  if (ctx.req.method === "OPTIONS") {
    ctx.res.writeHead(204, { ...headers, "access-control-allow-methods": "GET, OPTIONS", "access-control-allow-headers": "mcp-protocol-version" });
    ctx.res.end();
    return;
  }
  if (ctx.req.method !== "GET") throw new GatewayError("method_not_allowed", "Use GET for protected resource metadata").withHeader("allow", "GET, OPTIONS");
  const document = await protectedResourceMetadata(route, ctx.resourceUrl, deps.metadata);
  const body = JSON.stringify(document);
  ctx.bytesOut = Buffer.byteLength(body);
  ctx.res.writeHead(200, { ...headers, "content-type": "application/json", "cache-control": "public, max-age=60" });
  ctx.res.end(body);
}

async function runPipeline(ctx: RequestContext, deps: ProxyDeps, cors: { headers: Record<string, string> }) {
  const config = ctx.config;
  if (!config) throw new GatewayError("not_configured", "The gateway has no configuration yet");
  const route = config.routes.get(ctx.pathname);
  if (!route) {
    const described = config.metadataRoutes.get(ctx.pathname);
    if (described) return serveMetadata(ctx, described, deps);
    throw new GatewayError("route_not_found", `No MCP server is configured at ${ctx.pathname}`);
  }
  ctx.route = route;
  cors.headers = corsHeaders(ctx);
  const method = ctx.req.method ?? "";
  if (method === "OPTIONS") return answerPreflight(ctx, cors.headers);
  if (!MCP_METHODS.has(method)) throw new GatewayError("method_not_allowed", `${method} is not an MCP Streamable HTTP method`).withHeader("allow", "GET, POST, DELETE, OPTIONS");
  await authenticate(ctx, route, deps);
  bindSession(ctx, deps);
  if (method === "POST") {
    await readMessage(ctx);
    decideToolCalls(route.acl, ctx.caller!, ctx.body!);
    ctx.forwardedBody = serialiseBody(ctx.body!);
  }
  await applyUpstreamCredentials(ctx, deps.vault, deps.health);
  await forwardToUpstream(ctx, deps, cors.headers);
}

function respondWithError(ctx: RequestContext, error: GatewayError, cors: Record<string, string>, deps: ProxyDeps) {
  ctx.decision = DENIALS.has(error.code) ? "deny" : "error";
  ctx.reason = error.code;
  ctx.jsonRpcError = error.jsonRpcCode;
  if (error.code === "internal") deps.log.error({ request_id: ctx.id, server: ctx.route?.name, error: error.detail }, "request failed");
  else if (error.httpStatus >= 500) deps.log.warn({ request_id: ctx.id, server: ctx.route?.name, reason: error.code, detail: error.detail }, error.message);
  const { res } = ctx;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(jsonRpcErrorResponse(error.id ?? singleRequestId(ctx.body), error));
  ctx.bytesOut = Buffer.byteLength(body);
  const headers: Record<string, string> = { ...cors, ...error.headers, "content-type": "application/json" };
  // A body over the limit is left unread: close rather than drain it.
  if (error.code === "body_too_large") headers.connection = "close";
  res.writeHead(error.httpStatus, headers);
  res.end(body);
}

function auditEvent(ctx: RequestContext): AuditEvent {
  return {
    id: randomUUID(),
    time: ctx.time.toISOString(),
    request_id: ctx.id,
    server: ctx.route?.name ?? null,
    http_method: ctx.req.method ?? "",
    path: ctx.pathname,
    consumer: ctx.caller?.username ?? null,
    groups: ctx.caller ? [...ctx.caller.groups] : [],
    key_id: ctx.keyId ?? null,
    end_user: ctx.endUser ?? null,
    upstream_identity: ctx.upstreamIdentity ?? null,
    method: ctx.method,
    tool: ctx.tool,
    decision: ctx.decision,
    reason: ctx.reason,
    status: ctx.res.statusCode,
    jsonrpc_error: ctx.jsonRpcError,
    upstream_latency_ms: ctx.upstreamMs === null ? null : Math.round(ctx.upstreamMs * 1000) / 1000,
    total_latency_ms: Math.round((performance.now() - ctx.startedAt) * 1000) / 1000,
    bytes_in: ctx.bytesIn,
    bytes_out: ctx.bytesOut,
    token_hash: ctx.tokenHash ?? null,
    session: ctx.upstreamSessionId !== undefined,
  };
}

function finish(ctx: RequestContext, deps: ProxyDeps) {
  try {
    const event = auditEvent(ctx);
    deps.audit.emit(event);
    if (event.server !== null) {
      deps.metrics.record({
        server: event.server,
        method: event.method ?? `http:${event.http_method}`,
        tool: event.tool,
        decision: event.decision,
        reason: event.reason,
        status: event.status,
        totalSeconds: event.total_latency_ms / 1000,
        upstreamSeconds: event.upstream_latency_ms === null ? null : event.upstream_latency_ms / 1000,
      });
    }
  } catch (error) {
    deps.log.error({ request_id: ctx.id, error: (error as Error).message }, "audit failed");
  }
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, deps: ProxyDeps) {
  const ctx = new RequestContext(req, res, deps.config());
  res.once("close", () => {
    if (!res.writableFinished) {
      ctx.clientGone.abort();
      if (ctx.reason === null) ctx.reason = "client_closed";
    }
    finish(ctx, deps);
  });
  const cors = { headers: {} as Record<string, string> };
  try {
    await runPipeline(ctx, deps, cors);
  } catch (error) {
    if (ctx.clientGone.aborted) return;
    respondWithError(ctx, toGatewayError(error), cors.headers, deps);
  }
}

export function createProxyHandler(deps: ProxyDeps): RequestListener {
  return (req, res) => void handleRequest(req, res, deps);
}
