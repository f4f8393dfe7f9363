// The route's upstream_headers, with vault references resolved from the cache.
// On token_swap routes this is where the stored service credential replaces
// the caller's token (forward.ts removes the caller's Authorization). A
// reference that cannot be resolved fails this route only, with a reason in
// the log and in /status.
import type { CompiledRoute } from "../config/compile";
import { GatewayError } from "../errors";
import { VaultError } from "../../../lib/core/vault/vault-error";
import type { VaultResolver } from "../vault/vault-resolver";
import type { RequestContext } from "./context";

/** Problems per route name, as /status shows them. */
export class RouteHealth {
  readonly problems = new Map<string, string>();

  fail(route: string, reason: string) {
    this.problems.set(route, reason);
  }

  recover(route: string) {
    this.problems.delete(route);
  }
}

export async function renderUpstreamHeaders(route: CompiledRoute, vault: VaultResolver): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  for (const [name, template] of route.upstreamHeaders) headers[name] = await vault.render(template);
  return headers;
}

export async function applyUpstreamCredentials(ctx: RequestContext, vault: VaultResolver, health: RouteHealth): Promise<void> {
  const route = ctx.route!;
  if (route.upstreamHeaders.length === 0) return;
  try {
    ctx.upstreamHeaders = await renderUpstreamHeaders(route, vault);
    health.recover(route.name);
  } catch (error) {
    if (!(error instanceof VaultError)) throw error;
    health.fail(route.name, error.message);
    throw new GatewayError("credential_unavailable", `The upstream credential for server '${route.name}' is unavailable`, error.message);
  }
}

/** What a route sends upstream as itself, for the audit event: vault references (names only), or the exchange's target. */
export function upstreamIdentity(route: CompiledRoute): string | undefined {
  const refs = route.upstreamHeaders.flatMap(([, t]) => t.references.map((r) => r.raw));
  const exchange = route.tokenExchange;
  if (exchange) refs.push(`token_exchange:${exchange.resource ?? exchange.audience}`);
  if (route.perUserCredential) refs.push(`per_user:${route.perUserCredential.header}`);
  return refs.length ? refs.join(" ") : undefined;
}
