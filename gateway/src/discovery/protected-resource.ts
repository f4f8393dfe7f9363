// Protected Resource Metadata (RFC 9728) at
// <public_url>/.well-known/oauth-protected-resource<path>.
// - passthrough: the upstream's own document, fetched and cached, with
//   `resource` set to the route's URL (clients require an exact match) and
//   `signed_metadata` dropped (it would no longer match what is served);
// - token_swap: the gateway's own document naming the organisation's IdP;
// - sign_in: the gateway's own document naming Portcullis's authorization server.
import type { Dispatcher } from "undici";
import type { CompiledRoute } from "../config/compile";
import { GatewayError } from "../errors";
import { SIGN_IN_SCOPE } from "../../../lib/core/config/schema";

const FETCH_TIMEOUT_MS = 5_000;
const MAX_METADATA_BYTES = 256 * 1024;

interface CachedDocument {
  document: Record<string, unknown>;
  fetchedAt: number;
}

export class UpstreamMetadataCache {
  #cache = new Map<string, CachedDocument>();
  #inFlight = new Map<string, Promise<Record<string, unknown>>>();

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly log: (message: string, fields: Record<string, unknown>) => void,
  ) {}

  /** The cached document while fresh; after the TTL a refetch, or the stale copy if the upstream fails. */
  async get(url: string, ttlMs: number): Promise<Record<string, unknown>> {
    const cached = this.#cache.get(url);
    if (cached && Date.now() - cached.fetchedAt < ttlMs) return cached.document;
    try {
      return await this.#fetchOnce(url);
    } catch (error) {
      this.log("upstream protected resource metadata unavailable", { url, error: (error as Error).message, serving_stale: Boolean(cached) });
      if (cached) return cached.document;
      throw new GatewayError("metadata_unavailable", "The upstream's protected resource metadata is unavailable", (error as Error).message);
    }
  }

  #fetchOnce(url: string): Promise<Record<string, unknown>> {
    let pending = this.#inFlight.get(url);
    if (!pending) {
      pending = this.#fetch(url).finally(() => this.#inFlight.delete(url));
      this.#inFlight.set(url, pending);
    }
    return pending;
  }

  async #fetch(url: string): Promise<Record<string, unknown>> {
    const target = new URL(url);
    const response = await this.dispatcher.request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: "GET",
      headers: { accept: "application/json", "accept-encoding": "identity" },
      headersTimeout: FETCH_TIMEOUT_MS,
      bodyTimeout: FETCH_TIMEOUT_MS,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_METADATA_BYTES) throw new Error("metadata document too large");
      chunks.push(chunk);
    }
    if (response.statusCode !== 200) throw new Error(`upstream answered ${response.statusCode}`);
    const document: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (typeof document !== "object" || document === null || Array.isArray(document)) throw new Error("metadata is not a JSON object");
    this.#cache.set(url, { document: document as Record<string, unknown>, fetchedAt: Date.now() });
    return document as Record<string, unknown>;
  }
}

export async function protectedResourceMetadata(route: CompiledRoute, resource: string, upstream: UpstreamMetadataCache): Promise<Record<string, unknown>> {
  const auth = route.auth;
  if (auth.mode === "token_swap") {
    return { resource, authorization_servers: [auth.issuer], scopes_supported: auth.scopesSupported, bearer_methods_supported: ["header"] };
  }
  if (auth.mode === "sign_in") {
    return { resource, authorization_servers: [auth.issuer], scopes_supported: [SIGN_IN_SCOPE], bearer_methods_supported: ["header"] };
  }
  if (!auth.upstreamPrm) throw new GatewayError("route_not_found", `Server '${route.name}' publishes no protected resource metadata`);
  const { signed_metadata: _dropped, ...document } = await upstream.get(auth.upstreamPrm, auth.upstreamPrmTtlMs);
  return { ...document, resource };
}
