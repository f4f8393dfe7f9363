// Where MCP clients reach the gateway. The console shows these URLs; the
// gateway itself falls back to each request's own origin when no public URL
// is configured, so set PORTCULLIS_PUBLIC_URL whenever clients do not connect
// to localhost.
export function gatewayPublicUrl(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.PORTCULLIS_PUBLIC_URL?.trim() || `http://localhost:${env.PORTCULLIS_HTTP_PORT?.trim() || "8000"}`;
  return base.replace(/\/+$/, "");
}

/** The URL an MCP client uses for a route: public URL + route path. */
export function gatewayRouteUrl(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${gatewayPublicUrl(env)}${path}`;
}
