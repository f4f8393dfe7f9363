// Which headers cross the gateway. Hop-by-hop headers (RFC 9110 §7.6.1) and
// any header named in Connection never cross; neither do cookies (one gateway
// origin fronts many upstreams) nor the upstream's own CORS headers (the
// gateway answers CORS per route).
import type { IncomingHttpHeaders } from "node:http";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"]);

/** Who the client is, as proxies in front claim it: forwarded only when the configuration names the header. */
const CLIENT_ADDRESS = ["x-real-ip", "true-client-ip", "cf-connecting-ip", "x-client-ip", "x-cluster-client-ip", "fastly-client-ip", "x-original-forwarded-for"];

const NOT_FORWARDED_UP = new Set([
  ...HOP_BY_HOP,
  "host",
  "cookie",
  "origin",
  "accept-encoding",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  // The body is re-serialised: headers describing the client's bytes would describe the wrong ones.
  "content-length",
  "content-encoding",
  "content-md5",
  "content-digest",
  "repr-digest",
  "digest",
  "content-range",
  ...CLIENT_ADDRESS,
]);

const NOT_RETURNED_DOWN = new Set([
  ...HOP_BY_HOP,
  "content-length",
  "set-cookie",
  // A redirect is refused (pipeline/forward.ts), and no answer points the client anywhere else.
  "location",
  "content-location",
  "refresh",
  "access-control-allow-origin",
  "access-control-allow-credentials",
  "access-control-allow-headers",
  "access-control-allow-methods",
  "access-control-expose-headers",
  "access-control-max-age",
]);

function connectionTokens(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value.join(",") : value)
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
}

function copyExcept(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
  excluded: ReadonlySet<string>,
  alsoExcluded: readonly string[],
): Record<string, string | string[]> {
  const named = connectionTokens(headers.connection);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || excluded.has(name) || named.includes(name) || alsoExcluded.includes(name)) continue;
    out[name] = value;
  }
  return out;
}

/** The client's headers as the upstream gets them (before credentials are applied). */
export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  removed: readonly string[],
  clientAddressHeaders: ReadonlySet<string> = new Set(),
): Record<string, string | string[]> {
  const headers = copyExcept(incoming, NOT_FORWARDED_UP, removed);
  for (const name of clientAddressHeaders) {
    const value = incoming[name];
    if (value !== undefined) headers[name] = value;
  }
  // The gateway reads JSON and SSE bodies to filter tools/list; ask for them unencoded.
  headers["accept-encoding"] = "identity";
  return headers;
}

/** The upstream's response headers as the client gets them. */
export function clientResponseHeaders(upstream: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  return copyExcept(upstream, NOT_RETURNED_DOWN, []);
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
