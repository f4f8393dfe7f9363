// CORS per route. MCP servers must refuse a browser Origin they do not trust
// (DNS rebinding, MCP transports §Security); the gateway does that for every
// route, answers preflights itself, and lets allowed origins read the session
// id and challenges.
import type { CompiledRoute } from "../config/compile";
import { GatewayError } from "../errors";
import type { RequestContext } from "./context";

const ALLOW_METHODS = "GET, POST, DELETE, OPTIONS";
const EXPOSE_HEADERS = "mcp-session-id, www-authenticate";

function originAllowed(route: CompiledRoute, origin: string): boolean {
  return route.corsOrigins.has("*") || route.corsOrigins.has(origin);
}

/** Headers every response to this request carries; throws for an Origin the route does not allow. */
export function corsHeaders(ctx: RequestContext): Record<string, string> {
  const origin = ctx.req.headers.origin;
  if (origin === undefined) return {};
  if (!originAllowed(ctx.route!, origin)) throw new GatewayError("origin_denied", `Origin ${origin} is not allowed for this server`);
  return { "access-control-allow-origin": origin, "access-control-expose-headers": EXPOSE_HEADERS, vary: "origin" };
}

export function answerPreflight(ctx: RequestContext, headers: Record<string, string>): void {
  ctx.res.writeHead(204, {
    ...headers,
    "access-control-allow-methods": ALLOW_METHODS,
    "access-control-allow-headers": ctx.route!.corsAllowHeaders,
    "access-control-max-age": "600",
    allow: ALLOW_METHODS,
  });
  ctx.res.end();
}
