// Assembles the data plane from its parts: the config store, the pipeline's
// dependencies, the status source. main.ts adds the process edges (listeners,
// signals, files); tests use this directly.
import { Agent } from "undici";
import type { AuditSink } from "./audit/audit-sink";
import type { CompiledConfig } from "./config/compile";
import { ConfigStore, type ApplyResult } from "./config/config-store";
import { UpstreamMetadataCache } from "./discovery/protected-resource";
import { RateLimits } from "./limits/rate-limits";
import { GatewayMetrics } from "./metrics/gateway-metrics";
import { createProxyHandler, type Logger, type TokenAuthenticator } from "./pipeline/handle-request";
import { CatalogueWatch, type ToolDrift } from "./pipeline/catalogue";
import { SessionBinder } from "./pipeline/session-binding";
import { ConfirmationStates, CONNECTION_STATE } from "./approvals/confirmation-state";
import { HeldCalls } from "./approvals/held-calls";
import type { ApprovalClaims } from "./control-plane/approval-client";
import type { UpstreamTokenSource } from "./control-plane/upstream-token-client";
import { UserCredentials } from "./pipeline/user-credentials";
import { renderUpstreamHeaders, RouteHealth } from "./pipeline/upstream-credentials";
import { TokenExchanger } from "./oauth/token-exchange";
import { TokenValidator } from "./oauth/token-validator";
import { VaultResolver } from "./vault/vault-resolver";
import { VaultError } from "../../lib/core/vault/vault-error";
import { ArgumentHasher } from "../../lib/core/redaction/argument-redaction";
import type { GatewayTelemetry } from "./telemetry/request-trace";

export interface GatewayOptions {
  audit: AuditSink;
  /** The master key: decrypts the built-in vault and keys session binding and the hashes of redacted arguments. */
  masterKey: () => Buffer;
  env: Readonly<Record<string, string | undefined>>;
  publicUrl?: string;
  /** A tool definition without an approved pin was listed (once per server, tool and pin). */
  onToolDrift?: (drift: ToolDrift) => void;
  log: Logger & { info(fields: Record<string, unknown>, message: string): void };
  /** OpenTelemetry (loadGatewayTelemetry), when an OTLP endpoint is configured. */
  telemetry?: GatewayTelemetry;
  /** The console's approvals (control-plane/approval-client.ts); without, calls that need one are refused. */
  approvals?: ApprovalClaims;
  /** Calls a consumer may have waiting for a person at once, per server (approvals/held-calls.ts; default 5). */
  maxHeldCalls?: number;
  /** The console's per-user upstream credentials (control-plane/upstream-token-client.ts); without, per_user routes refuse every call. */
  upstreamTokens?: UpstreamTokenSource;
}

export function createGateway(options: GatewayOptions) {
  const startedAt = new Date();
  // One pooled keep-alive client for every upstream, IdP and vault call.
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connect: { timeout: 10_000 } });
  const vault = new VaultResolver({ env: options.env, masterKey: options.masterKey, dispatcher });
  const health = new RouteHealth();
  const tokens: TokenAuthenticator = new TokenValidator(dispatcher, vault);
  const limits = new RateLimits(options.env, options.log);
  const metrics = new GatewayMetrics(() => ({
    portcullis_config_version: { help: "Version of the configuration being served (0: none).", value: store.state?.version ?? 0 },
    portcullis_audit_events_dropped_total: {
      help: "Audit events dropped: the buffer was full, the audit log could not be written, or the console refused them.",
      value: options.audit.stats().dropped,
    },
    portcullis_audit_events_rejected_total: {
      help: "Audit events the console refused (invalid, never sent again); also counted as dropped.",
      value: options.audit.stats().rejected ?? 0,
    },
    portcullis_rate_limit_degraded: {
      help: "1 while Redis is unreachable and rate limits are enforced locally (each gateway its share).",
      value: limits.status().degraded ? 1 : 0,
    },
    portcullis_rate_limit_fallbacks_total: { help: "Times this gateway fell back from Redis to its local rate limiter.", value: limits.status().fallbacks },
  }));

  const store = new ConfigStore({ publicUrl: options.publicUrl }, (config) => {
    vault.configure(config.vault);
    limits.configure(config.redis);
    health.problems.clear();
    checkCredentials(config).catch((error: Error) => options.log.error({ error: error.message }, "checking route credentials failed"));
  });

  /** Resolves every route's references once after a config is applied, so /status names broken routes before a request fails. */
  async function checkCredentials(config: CompiledConfig) {
    for (const route of new Set(config.routes.values())) {
      try {
        await renderUpstreamHeaders(route, vault);
        const introspection = route.auth.mode === "token_swap" ? route.auth.introspection : route.auth.mode === "passthrough" ? route.auth.validate?.introspection : undefined;
        if (introspection) await vault.render(introspection.clientSecret);
        if (route.tokenExchange) await vault.render(route.tokenExchange.clientSecret);
      } catch (error) {
        if (!(error instanceof VaultError)) throw error;
        if (store.current !== config) return;
        health.fail(route.name, error.message);
        options.log.warn({ server: route.name, problem: error.message }, "route credential unavailable");
      }
    }
  }

  // Definitions no admin approved: logged once each, shown in /status, and handed to the
  // control plane's reporter when there is one.
  const catalogue = new CatalogueWatch((drift) => {
    options.log.warn({ server: drift.server, tool: drift.tool, pin: drift.pin, approved: drift.approved }, "tool definition not approved");
    options.onToolDrift?.(drift);
  });

  const handler = createProxyHandler({
    config: () => store.current,
    catalogue,
    dispatcher,
    sessions: new SessionBinder(options.masterKey()),
    confirmations: new ConfirmationStates(options.masterKey()),
    connections: new ConfirmationStates(options.masterKey(), CONNECTION_STATE),
    argumentHasher: new ArgumentHasher(options.masterKey()),
    approvals: options.approvals,
    heldCalls: new HeldCalls(options.maxHeldCalls),
    metadata: new UpstreamMetadataCache(dispatcher, (message, fields) => options.log.warn(fields, message)),
    tokens,
    exchanges: new TokenExchanger(dispatcher, vault),
    userCredentials: new UserCredentials(options.upstreamTokens, (server, lookup) => metrics.userCredential(server, lookup)),
    vault,
    health,
    limiter: limits,
    audit: options.audit,
    metrics,
    log: options.log,
    telemetry: options.telemetry,
  });

  function status() {
    const config = store.current;
    const state = store.state;
    const routes = config ? [...new Set(config.routes.values())] : [];
    return {
      ready: config !== undefined,
      ...(config ? {} : { reason: "no configuration loaded" }),
      started_at: startedAt.toISOString(),
      config: state ? { version: state.version, hash: state.hash, source: state.source, loaded_at: state.loadedAt } : null,
      last_rejected_config: store.lastRejected ?? null,
      routes: routes.map((r) => ({ name: r.name, path: r.path, mode: r.auth.mode, ok: !health.problems.has(r.name), problem: health.problems.get(r.name) ?? null })),
      audit: options.audit.stats(),
      rate_limits: limits.status(),
      catalogue_drift: catalogue.drifts.map(({ server, tool, pin, approved, seenAt }) => ({ server, tool, pin, approved, seen_at: seenAt })),
      memory: (({ rss, heapUsed, external, arrayBuffers }) => ({ rss_bytes: rss, heap_used_bytes: heapUsed, external_bytes: external, array_buffers_bytes: arrayBuffers }))(
        process.memoryUsage(),
      ),
    };
  }

  return {
    handler,
    applyConfig: (document: unknown, source: string, configVersion?: number): ApplyResult => store.apply(document, source, configVersion),
    status,
    metrics: () => metrics.render(),
    close: async () => {
      await options.telemetry?.shutdown();
      await limits.close();
      await dispatcher.close();
    },
  };
}

export type Gateway = ReturnType<typeof createGateway>;
