// Spans and OTLP metrics for MCP requests, following the OpenTelemetry semantic
// conventions for MCP (semantic-conventions-genai, docs/gen-ai/mcp.md, status
// Development): one SERVER span per HTTP request named `{mcp.method.name} {target}`,
// children for the steps that wait on something (token validation, vault,
// token exchange) and a CLIENT span for the upstream call, whose context goes
// upstream in `traceparent`/`tracestate` and in params._meta.
//
// Parent: "MCP server instrumentation SHOULD, by default, use context extracted
// from MCP params._meta as a parent for MCP server span and SHOULD link current
// ambient context, if it's present" — so params._meta wins, and the HTTP headers'
// context becomes a span link; without _meta the headers' context is the parent.
//
// Attribute values are names, never secrets: no token, key, header value or argument.
// Span names and metric attributes use the bounded method and tool labels of
// /metrics (KNOWN_METHODS, a route's known tools), so callers cannot mint series.
import {
  type Attributes,
  type Context,
  type Histogram,
  type Link,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  isSpanContextValid,
  trace,
} from "@opentelemetry/api";
import { startTelemetrySdk, type TelemetrySdk } from "../../../lib/core/telemetry/sdk";
import type { TelemetrySettings } from "../../../lib/core/telemetry/settings";
import { KNOWN_METHODS, OTHER } from "../metrics/gateway-metrics";
import type { RequestContext } from "../pipeline/context";
import { headerValue } from "../transport/headers";
import type { GatewayTelemetry, RequestTrace, TraceCarrier, UpstreamCallTrace } from "./request-trace";

/** ExplicitBucketBoundaries the conventions give for both operation-duration histograms (seconds). */
const DURATION_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

const metaGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => (typeof carrier[key] === "string" ? carrier[key] : undefined),
};

const carrierSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

interface Message {
  method: string | undefined;
  tool: string | undefined;
  id: string | undefined;
  meta: Record<string, unknown> | undefined;
}

/** The message a span describes: the request (or first message) of the body; batches (2025-03-26) are described by their first message. */
function messageOf(ctx: RequestContext): Message {
  const messages = ctx.body?.messages;
  const first = messages?.find((m) => m.kind === "request") ?? messages?.[0];
  if (!first || first.kind === "response") return { method: undefined, tool: undefined, id: undefined, meta: undefined };
  const params = first.kind === "request" ? first.params : (first.raw.params as Record<string, unknown> | undefined);
  const meta = params && typeof params._meta === "object" && params._meta !== null && !Array.isArray(params._meta) ? (params._meta as Record<string, unknown>) : undefined;
  return {
    method: first.method,
    tool: first.method === "tools/call" ? (params!.name as string) : undefined,
    id: first.kind === "request" ? String(first.id) : undefined,
    meta,
  };
}

function methodLabel(method: string | undefined, ctx: RequestContext): string {
  if (method === undefined) return `http:${ctx.req.method ?? ""}`;
  return KNOWN_METHODS.has(method) ? method : OTHER;
}

/** error.type: the JSON-RPC error code when the gateway answered one, else the refusal's code or the HTTP status (conventions, note [1]). */
function errorType(ctx: RequestContext): string | undefined {
  if (ctx.jsonRpcError !== null) return String(ctx.jsonRpcError);
  if (ctx.reason !== null) return ctx.reason;
  return ctx.res.statusCode >= 400 ? String(ctx.res.statusCode) : undefined;
}

interface Instruments {
  server: Histogram | undefined;
  client: Histogram | undefined;
}

class OtelRequestTrace implements RequestTrace {
  #span: Span | undefined;
  #spanContext: Context | undefined;
  #opened = false;
  #buffered: { name: string; attributes: Attributes; start: number; end: number; error: string | undefined }[] = [];
  #upstream: { span: Span | undefined; startedAt: number; errorType: string | undefined; ended: boolean } | undefined;
  readonly #startTime = epochMs();

  constructor(
    private readonly sdk: TelemetrySdk,
    private readonly instruments: Instruments,
    private readonly headerContext: Context,
  ) {}

  async step<T>(name: string, attributes: Record<string, string | number | boolean>, run: () => Promise<T>): Promise<T> {
    if (!this.sdk.tracer) return run();
    const start = epochMs();
    const live = this.#spanContext && this.sdk.tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, this.#spanContext);
    try {
      const result = await run();
      if (live) live.end();
      else if (!this.#opened) this.#buffered.push({ name, attributes, start, end: epochMs(), error: undefined });
      return result;
    } catch (error) {
      const type = (error as { code?: string }).code ?? "_OTHER";
      if (live) {
        live.setAttribute("error.type", type);
        live.setStatus({ code: SpanStatusCode.ERROR });
        live.end();
      } else if (!this.#opened) this.#buffered.push({ name, attributes, start, end: epochMs(), error: type });
      throw error;
    }
  }

  open(ctx: RequestContext): void {
    if (this.#opened) return;
    this.#opened = true;
    const tracer = this.sdk.tracer;
    if (!tracer) return;
    const message = messageOf(ctx);
    const fromMeta = message.meta ? this.sdk.propagator.extract(ROOT_CONTEXT, message.meta, metaGetter) : undefined;
    const metaSpan = fromMeta && trace.getSpanContext(fromMeta);
    const headerSpan = trace.getSpanContext(this.headerContext);
    const useMeta = metaSpan !== undefined && isSpanContextValid(metaSpan);
    const links: Link[] = useMeta && headerSpan && isSpanContextValid(headerSpan) ? [{ context: headerSpan }] : [];
    const label = methodLabel(message.method, ctx);
    const target = message.tool === undefined ? undefined : ctx.route?.knownTools.label(message.tool);
    this.#span = tracer.startSpan(
      target ? `${label} ${target}` : label,
      { kind: SpanKind.SERVER, startTime: this.#startTime, links, attributes: { "network.transport": "tcp", "network.protocol.name": "http" } },
      useMeta ? fromMeta : this.headerContext,
    );
    this.#spanContext = trace.setSpan(ROOT_CONTEXT, this.#span);
    for (const step of this.#buffered) {
      const child = tracer.startSpan(step.name, { kind: SpanKind.INTERNAL, startTime: step.start, attributes: step.attributes }, this.#spanContext);
      if (step.error) {
        child.setAttribute("error.type", step.error);
        child.setStatus({ code: SpanStatusCode.ERROR });
      }
      child.end(step.end);
    }
    this.#buffered = [];
  }

  upstreamCall(ctx: RequestContext): UpstreamCallTrace {
    this.open(ctx);
    const message = messageOf(ctx);
    const label = methodLabel(message.method, ctx);
    const target = message.tool === undefined ? undefined : ctx.route!.knownTools.label(message.tool);
    const upstream = new URL(ctx.route!.upstream.origin);
    const span =
      this.#spanContext &&
      this.sdk.tracer!.startSpan(
        target ? `${label} ${target}` : label,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            ...(message.method !== undefined && { "mcp.method.name": message.method }),
            ...(message.tool !== undefined && { "gen_ai.tool.name": message.tool, "gen_ai.operation.name": "execute_tool" }),
            ...(message.id !== undefined && { "jsonrpc.request.id": message.id }),
            "mcp.protocol.version": ctx.protocolVersion,
            "server.address": upstream.hostname,
            "server.port": Number(upstream.port || (upstream.protocol === "https:" ? 443 : 80)),
            "network.transport": "tcp",
            "network.protocol.name": "http",
            "portcullis.server": ctx.route!.name,
          },
        },
        this.#spanContext,
      );
    const call = { span, startedAt: performance.now(), errorType: undefined as string | undefined, ended: false };
    this.#upstream = call;
    let carrier: TraceCarrier | undefined;
    if (span && span.isRecording()) {
      const out: Record<string, string> = {};
      this.sdk.propagator.inject(trace.setSpan(ROOT_CONTEXT, span), out, carrierSetter);
      carrier = out.traceparent ? { traceparent: out.traceparent, ...(out.tracestate && { tracestate: out.tracestate }) } : undefined;
    }
    return {
      carrier,
      fail: (type) => {
        call.errorType = type;
      },
      answered: (status) => {
        span?.setAttribute("http.response.status_code", status);
        if (status >= 400) call.errorType = String(status);
      },
    };
  }

  end(ctx: RequestContext): void {
    this.open(ctx);
    const message = messageOf(ctx);
    const method = methodLabel(message.method, ctx);
    const tool = message.tool === undefined ? undefined : (ctx.route?.knownTools.label(message.tool) ?? OTHER);
    const failure = errorType(ctx);
    const durationAttributes: Attributes = {
      "mcp.method.name": method,
      ...(tool !== undefined && { "gen_ai.tool.name": tool }),
      "mcp.protocol.version": ctx.protocolVersion,
      "network.transport": "tcp",
      "portcullis.server": ctx.route?.name ?? OTHER,
      "portcullis.decision": ctx.decision,
    };
    this.instruments.server?.record((performance.now() - ctx.startedAt) / 1000, failure ? { ...durationAttributes, "error.type": failure } : durationAttributes);
    const call = this.#upstream;
    if (call && !call.ended) {
      call.ended = true;
      const upstreamFailure = call.errorType ?? (ctx.clientGone.aborted ? "client_closed" : undefined);
      const attributes: Attributes = { "mcp.method.name": method, ...(tool !== undefined && { "gen_ai.tool.name": tool }), "portcullis.server": ctx.route!.name };
      this.instruments.client?.record((performance.now() - call.startedAt) / 1000, upstreamFailure ? { ...attributes, "error.type": upstreamFailure } : attributes);
      if (upstreamFailure) {
        call.span?.setAttribute("error.type", upstreamFailure);
        call.span?.setStatus({ code: SpanStatusCode.ERROR, message: upstreamFailure });
      }
      call.span?.end();
    }
    const span = this.#span;
    if (!span || !span.isRecording()) return;
    const session = headerValue(ctx.req.headers["mcp-session-id"]) ?? (ctx.res.getHeader("mcp-session-id") as string | undefined);
    span.setAttributes({
      ...(message.method !== undefined && { "mcp.method.name": message.method }),
      ...(message.tool !== undefined && { "gen_ai.tool.name": message.tool, "gen_ai.operation.name": "execute_tool" }),
      ...(message.id !== undefined && { "jsonrpc.request.id": message.id }),
      ...(ctx.jsonRpcError !== null && { "rpc.response.status_code": String(ctx.jsonRpcError) }),
      ...(session !== undefined && { "mcp.session.id": session }),
      "mcp.protocol.version": ctx.protocolVersion,
      "network.protocol.version": ctx.req.httpVersion,
      ...(ctx.req.socket.remoteAddress !== undefined && { "client.address": ctx.req.socket.remoteAddress }),
      "http.request.method": ctx.req.method ?? "",
      "http.response.status_code": ctx.res.statusCode,
      ...(ctx.route && { "portcullis.server": ctx.route.name }),
      ...(ctx.caller && { "portcullis.consumer": ctx.caller.username, "portcullis.groups": [...ctx.caller.groups] }),
      "portcullis.decision": ctx.decision,
      ...(ctx.reason !== null && { "portcullis.reason": ctx.reason }),
      ...(ctx.rule !== undefined && { "portcullis.rule": ctx.rule }),
    });
    if (failure) {
      span.setAttribute("error.type", failure);
      span.setStatus({ code: SpanStatusCode.ERROR, message: ctx.reason ?? failure });
    }
    span.end();
  }
}

export function startGatewayTelemetry(settings: TelemetrySettings, version: string): GatewayTelemetry {
  const sdk = startTelemetrySdk(settings, { name: "portcullis-gateway", version });
  const instruments: Instruments = {
    server: sdk.meter?.createHistogram("mcp.server.operation.duration", {
      unit: "s",
      description: "Duration of the MCP request as observed on the gateway, from its arrival until the response closed.",
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    client: sdk.meter?.createHistogram("mcp.client.operation.duration", {
      unit: "s",
      description: "Duration of the MCP request the gateway sent upstream, until the upstream's answer ended.",
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
  };
  return {
    begin: (ctx) => new OtelRequestTrace(sdk, instruments, sdk.tracer ? sdk.propagator.extract(ROOT_CONTEXT, ctx.req.headers, defaultTextMapGetter) : ROOT_CONTEXT),
    flush: () => sdk.flush(),
    shutdown: () => sdk.shutdown(),
  };
}
