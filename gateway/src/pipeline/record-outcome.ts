// When a response has closed, whatever happened: one audit event and the
// metrics for it, read from the request's context. Nothing here can change
// the response, and a failure here is logged, never thrown.
import { randomUUID } from "node:crypto";
import { fitAuditEvent, type AuditEvent } from "../../../lib/core/audit/event";
import { normaliseToolName } from "../../../lib/core/acl/decide";
import { redactArguments, type ArgumentHasher } from "../../../lib/core/redaction/argument-redaction";
import type { RequestContext } from "./context";
import type { ProxyDeps } from "./handle-request";

/** The request's audit event, fitted to what the console accepts (a long path, method list or group list is cut with a marker). */
function auditEvent(ctx: RequestContext, hasher: ArgumentHasher): AuditEvent {
  return fitAuditEvent({
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
    arguments: auditedArguments(ctx, hasher),
    redactions: ctx.redactions,
    approval: ctx.approval,
    config_version: ctx.config?.configVersion ?? null,
  });
}

/** A recorded call's arguments larger than this are kept as one hash. */
const MAX_AUDITED_ARGUMENT_CHARACTERS = 4096;

/** The first tools/call's arguments on an `audit_arguments` route, with its rule's sensitive paths hashed. */
function auditedArguments(ctx: RequestContext, hasher: ArgumentHasher): Record<string, unknown> | undefined {
  const route = ctx.route;
  const call = route?.auditArguments ? ctx.body?.messages.find((m) => m.kind === "request" && m.method === "tools/call") : undefined;
  if (call?.kind !== "request") return undefined;
  const args = (call.params!.arguments ?? {}) as Record<string, unknown>;
  const redacted = redactArguments(args, route!.redactArgs.get(normaliseToolName(call.params!.name as string)) ?? [], hasher);
  return JSON.stringify(redacted).length > MAX_AUDITED_ARGUMENT_CHARACTERS ? { $hash: hasher.hash(redacted) } : redacted;
}

export function recordOutcome(ctx: RequestContext, deps: Pick<ProxyDeps, "audit" | "metrics" | "log" | "argumentHasher">) {
  try {
    const event = auditEvent(ctx, deps.argumentHasher);
    deps.audit.emit(event);
    if (event.server !== null) {
      deps.metrics.record({
        server: event.server,
        method: event.method ?? `http:${event.http_method}`,
        tool: ctx.route!.knownTools.label(event.tool),
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
