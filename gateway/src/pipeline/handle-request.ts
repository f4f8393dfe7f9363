// The request pipeline: route → CORS → authenticate/identify → session →
// message → tool access → catalogue → a person's confirmation or approval →
// rate limits → credentials (stored, exchanged, or the user's own) → forward. Each step either fills in the
// context or throws a GatewayError; the first refusal ends the request. The
// audit event and metrics are written when the response closes, whatever
// happened, and can never change the response.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { CompiledAuth, CompiledConfig, CompiledConsumer, CompiledRoute, CompiledTokenCheck } from "../config/compile";
import type { AuditSink } from "../audit/audit-sink";
import { protectedResourceMetadata, type UpstreamMetadataCache } from "../discovery/protected-resource";
import { GatewayError, toGatewayError } from "../errors";
import { parseJsonRpcBody, serialiseBody } from "../jsonrpc/message";
import { checkBodyVersion, protocolVersionOf } from "../jsonrpc/protocol-version";
import { checkRoutingHeaders } from "../jsonrpc/routing-headers";
import type { Limiter } from "../limits/admission";
import type { GatewayMetrics } from "../metrics/gateway-metrics";
import { headerValue } from "../transport/headers";
import { readRequestBody } from "../transport/request-body";
import type { VaultResolver } from "../vault/vault-resolver";
import type { GatewayTelemetry } from "../telemetry/request-trace";
import { RequestContext } from "./context";
import { recordOutcome } from "./record-outcome";
import { respondWithError } from "./respond-with-error";
import { answerPreflight, corsHeaders } from "./cors";
import { forwardToUpstream, sessionOwner, type ForwardDeps } from "./forward";
import type { Claims } from "../oauth/token-validator";
import type { TokenExchanger } from "../oauth/token-exchange";
import { authenticatePassthrough } from "./authenticate-passthrough";
import { authenticateSignIn } from "../oauth/sign-in-token";
import { decideCatalogueCalls } from "./catalogue";
import { limitToolCalls } from "./rate-limit";
import { holdForPerson, type HumanStepDeps } from "./human-step";
import { decideToolCalls, type HeldCall } from "./tool-access";
import { applyUpstreamCredentials, upstreamIdentity, type RouteHealth } from "./upstream-credentials";
import { forwardWithUserCredential, type UserCredentials } from "./user-credentials";

export type TokenSwapAuth = Extract<CompiledAuth, { mode: "token_swap" }>;

/** Who the caller is, as an identity step finds it; handle-request writes it into the context. */
export interface CallerIdentity {
  consumer: CompiledConsumer;
  /** The config id of the API key that named the consumer. */
  keyId?: string;
  /** The user as the IdP knows them (token routes). */
  endUser?: string;
  /** The validated token's claims, for ACL conditions. */
  claims?: Claims;
}

export interface TokenAuthenticator {
  /** Validates the bearer token for the route: who the caller is. */
  authenticate(ctx: RequestContext, auth: TokenSwapAuth): Promise<CallerIdentity>;
  /** The claims of a valid token, or a 401 token_invalid whose challenge points at `metadataUrl`. */
  validate(ctx: RequestContext, token: string, check: CompiledTokenCheck, audience: string, metadataUrl: string | undefined): Promise<Claims>;
}

export interface Logger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ProxyDeps extends ForwardDeps, HumanStepDeps {
  config: () => CompiledConfig | undefined;
  metadata: UpstreamMetadataCache;
  tokens: TokenAuthenticator;
  exchanges: TokenExchanger;
  /** Signed-in users' own upstream credentials (per_user routes). */
  userCredentials: UserCredentials;
  vault: VaultResolver;
  health: RouteHealth;
  limiter: Limiter;
  audit: AuditSink;
  metrics: GatewayMetrics;
  log: Logger;
  /** OpenTelemetry traces and metrics, when an OTLP endpoint is configured. */
  telemetry?: GatewayTelemetry;
}

const MCP_METHODS = new Set(["POST", "GET", "DELETE"]);
const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;

async function authenticate(ctx: RequestContext, route: CompiledRoute, deps: ProxyDeps): Promise<void> {
  const auth = route.auth;
  const who =
    auth.mode === "passthrough"
      ? await authenticatePassthrough(ctx, auth, deps.tokens)
      : auth.mode === "sign_in"
        ? await authenticateSignIn(ctx, auth)
        : await deps.tokens.authenticate(ctx, auth);
  ctx.caller = who.consumer;
  ctx.keyId = who.keyId;
  ctx.endUser = who.endUser;
  ctx.claims = who.claims;
  if (auth.mode !== "passthrough" && !route.forwardCallerToken) ctx.upstreamIdentity = upstreamIdentity(route);
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
  ctx.body = parseJsonRpcBody(raw.toString("utf8"), ctx.protocolVersion);
  checkBodyVersion(ctx.body, headerValue(ctx.req.headers["mcp-protocol-version"]));
  checkRoutingHeaders(headerValue(ctx.req.headers["mcp-method"]), headerValue(ctx.req.headers["mcp-name"]), ctx.body, ctx.protocolVersion);
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

function holdForPersonTraced(ctx: RequestContext, held: HeldCall, deps: ProxyDeps, cors: Record<string, string>): Promise<boolean> {
  if (!ctx.trace) return holdForPerson(ctx, held, deps, cors);
  return ctx.trace.step("portcullis.approval", { "portcullis.approval.action": held.requirement.action, "portcullis.approval.rule": held.requirement.rule }, () =>
    holdForPerson(ctx, held, deps, cors),
  );
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
  ctx.protocolVersion = protocolVersionOf(headerValue(ctx.req.headers["mcp-protocol-version"]));
  bindSession(ctx, deps);
  if (method === "POST") {
    await readMessage(ctx);
    const decided = decideToolCalls(route.acl, ctx.caller!, ctx.body!, route.name, ctx.claims);
    ctx.rule = decided.rule;
    decideCatalogueCalls(deps.catalogue, route, ctx.body!);
    if (decided.held && !(await holdForPersonTraced(ctx, decided.held, deps, cors.headers))) return;
    await limitToolCalls(ctx, deps.limiter);
    ctx.forwardedBody = serialiseBody(ctx.body!);
  }
  ctx.trace?.open(ctx);
  if (ctx.trace && route.upstreamHeaders.length > 0) await ctx.trace.step("portcullis.vault.resolve", {}, () => applyUpstreamCredentials(ctx, deps.vault, deps.health));
  else await applyUpstreamCredentials(ctx, deps.vault, deps.health);
  if (route.tokenExchange) await deps.exchanges.apply(ctx, route.tokenExchange);
  if (route.perUserCredential) await forwardWithUserCredential(ctx, deps, cors.headers);
  else await forwardToUpstream(ctx, deps, cors.headers);
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, deps: ProxyDeps) {
  const ctx = new RequestContext(req, res, deps.config());
  ctx.trace = deps.telemetry?.begin(ctx);
  res.once("close", () => {
    if (!res.writableFinished) {
      ctx.clientGone.abort();
      if (ctx.reason === null) ctx.reason = "client_closed";
    }
    recordOutcome(ctx, deps);
    ctx.trace?.end(ctx);
  });
  const cors = { headers: {} as Record<string, string> };
  try {
    await runPipeline(ctx, deps, cors);
  } catch (error) {
    if (ctx.clientGone.aborted) return;
    respondWithError(ctx, toGatewayError(error), cors.headers, deps.log);
  }
}

export function createProxyHandler(deps: ProxyDeps): RequestListener {
  return (req, res) => void handleRequest(req, res, deps);
}
