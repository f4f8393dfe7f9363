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
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  isSpanContextValid,
  trace,
} from "@opentelemetry/api";
import { startTelemetrySdk, type TelemetrySdk } from "../../../lib/core/telemetry/sdk";
import type { TelemetrySettings } from "../../../lib/core/telemetry/settings";
import { controlPlaneTracing } from "./otel-control-plane";
import { KNOWN_METHODS, OTHER } from "../metrics/gateway-metrics";
import type { CompiledRoute } from "../config/compile";
import type { RequestContext } from "../pipeline/context";
import { headerValue } from "../transport/headers";
import type { GatewayTelemetry, RequestTrace, TraceCarrier, UpstreamCallTrace } from "./request-trace";

/** ExplicitBucketBoundaries the conventions give for both operation-duration histograms (seconds). */
const DURATION_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

const metaGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => (typeof carrier[key] === "string" ? carrier[key] : undefined),
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

const NO_MESSAGE: Message = { method: undefined, tool: undefined, id: undefined, meta: undefined };

/** The message a span describes: the request (or first message) of the body; batches (2025-03-26) are described by their first message. */
function messageOf(ctx: RequestContext): Message {
  const messages = ctx.body?.messages;
  const first = messages?.find((m) => m.kind === "request") ?? messages?.[0];
  if (!first || first.kind === "response") return NO_MESSAGE;
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

/** What a route's upstream spans say of the upstream, parsed once per compiled route rather than per request. */
const upstreamEndpoints = new WeakMap<CompiledRoute, { address: string; port: number }>();

function upstreamEndpoint(route: CompiledRoute): { address: string; port: number } {
  let endpoint = upstreamEndpoints.get(route);
  if (!endpoint) {
    const url = new URL(route.upstream.origin);
    endpoint = { address: url.hostname, port: Number(url.port || (url.protocol === "https:" ? 443 : 80)) };
    upstreamEndpoints.set(route, endpoint);
  }
  return endpoint;
}

/** W3C Trace Context, section 3.2 (`traceparent`) and 3.3 (`tracestate`): what W3CTraceContextPropagator.inject writes, without a context to carry it. */
function carrierOf(span: Span): TraceCarrier {
  const { traceId, spanId, traceFlags, traceState } = span.spanContext();
  const traceparent = `00-${traceId}-${spanId}-${traceFlags < 16 ? "0" : ""}${traceFlags.toString(16)}`;
  const tracestate = traceState?.serialize();
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/**
 * Metric attribute sets, made once per combination and reused: their inputs are bounded labels, so the
 * cache is too (capped all the same); recording then allocates nothing of ours per request.
 */
class AttributeSets {
  readonly #sets = new Map<string, Attributes>();

  constructor(private readonly make: (parts: (string | undefined)[]) => Attributes) {}

  get(parts: (string | undefined)[]): Attributes {
    const key = parts.join("\u0000");
    let set = this.#sets.get(key);
    if (!set) {
      set = this.make(parts);
      if (this.#sets.size < 4096) this.#sets.set(key, set);
    }
    return set;
  }
}

const serverDurationSets = new AttributeSets(([method, tool, version, server, decision, failure]) => ({
  "mcp.method.name": method!,
  ...(tool !== undefined && { "gen_ai.tool.name": tool }),
  "mcp.protocol.version": version!,
  "network.transport": "tcp",
  "portcullis.server": server!,
  "portcullis.decision": decision!,
  ...(failure !== undefined && { "error.type": failure }),
}));

const clientDurationSets = new AttributeSets(([method, tool, server, failure]) => ({
  "mcp.method.name": method!,
  ...(tool !== undefined && { "gen_ai.tool.name": tool }),
  "portcullis.server": server!,
  ...(failure !== undefined && { "error.type": failure }),
}));

interface Instruments {
  server: Histogram | undefined;
  client: Histogram | undefined;
}

class OtelRequestTrace implements RequestTrace {
  #span: Span | undefined;
  #spanContext: Context | undefined;
  #message: Message = NO_MESSAGE;
  #opened = false;
  #buffered: { name: string; attributes: Attributes; start: number; end: number; error: string | undefined }[] | undefined;
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
      else if (!this.#opened) (this.#buffered ??= []).push({ name, attributes, start, end: epochMs(), error: undefined });
      return result;
    } catch (error) {
      const type = (error as { code?: string }).code ?? "_OTHER";
      if (live) {
        live.setAttribute("error.type", type);
        live.setStatus({ code: SpanStatusCode.ERROR });
        live.end();
      } else if (!this.#opened) (this.#buffered ??= []).push({ name, attributes, start, end: epochMs(), error: type });
      throw error;
    }
  }

  open(ctx: RequestContext): void {
    if (this.#opened) return;
    this.#opened = true;
    const message = (this.#message = messageOf(ctx));
    const tracer = this.sdk.tracer;
    if (!tracer) return;
    const fromMeta = message.meta ? this.sdk.propagator.extract(ROOT_CONTEXT, message.meta, metaGetter) : undefined;
    const metaSpan = fromMeta && trace.getSpanContext(fromMeta);
    const headerSpan = trace.getSpanContext(this.headerContext);
    const useMeta = metaSpan !== undefined && isSpanContextValid(metaSpan);
    const links: Link[] | undefined = useMeta && headerSpan && isSpanContextValid(headerSpan) ? [{ context: headerSpan }] : undefined;
    const label = methodLabel(message.method, ctx);
    const target = message.tool === undefined ? undefined : ctx.route?.knownTools.label(message.tool);
    this.#span = tracer.startSpan(target ? `${label} ${target}` : label, { kind: SpanKind.SERVER, startTime: this.#startTime, links }, useMeta ? fromMeta : this.headerContext);
    this.#spanContext = trace.setSpan(ROOT_CONTEXT, this.#span);
    if (!this.#buffered) return;
    for (const step of this.#buffered) {
      const child = tracer.startSpan(step.name, { kind: SpanKind.INTERNAL, startTime: step.start, attributes: step.attributes }, this.#spanContext);
      if (step.error) {
        child.setAttribute("error.type", step.error);
        child.setStatus({ code: SpanStatusCode.ERROR });
      }
      child.end(step.end);
    }
    this.#buffered = undefined;
  }

  upstreamCall(ctx: RequestContext): UpstreamCallTrace {
    this.open(ctx);
    const message = this.#message;
    const route = ctx.route!;
    let span: Span | undefined;
    if (this.#spanContext) {
      const label = methodLabel(message.method, ctx);
      const target = message.tool === undefined ? undefined : route.knownTools.label(message.tool);
      span = this.sdk.tracer!.startSpan(target ? `${label} ${target}` : label, { kind: SpanKind.CLIENT }, this.#spanContext);
      if (span.isRecording()) {
        const endpoint = upstreamEndpoint(route);
        if (message.method !== undefined) span.setAttribute("mcp.method.name", message.method);
        if (message.tool !== undefined) span.setAttribute("gen_ai.tool.name", message.tool).setAttribute("gen_ai.operation.name", "execute_tool");
        if (message.id !== undefined) span.setAttribute("jsonrpc.request.id", message.id);
        span
          .setAttribute("mcp.protocol.version", ctx.protocolVersion)
          .setAttribute("server.address", endpoint.address)
          .setAttribute("server.port", endpoint.port)
          .setAttribute("network.transport", "tcp")
          .setAttribute("network.protocol.name", "http")
          .setAttribute("portcullis.server", route.name);
      }
    }
    const call = { span, startedAt: performance.now(), errorType: undefined as string | undefined, ended: false };
    this.#upstream = call;
    return {
      carrier: span && span.isRecording() ? carrierOf(span) : undefined,
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
    const message = this.#message;
    const method = methodLabel(message.method, ctx);
    const tool = message.tool === undefined ? undefined : (ctx.route?.knownTools.label(message.tool) ?? OTHER);
    const failure = errorType(ctx);
    const serverName = ctx.route?.name ?? OTHER;
    this.instruments.server?.record((performance.now() - ctx.startedAt) / 1000, serverDurationSets.get([method, tool, ctx.protocolVersion, serverName, ctx.decision, failure]));
    const call = this.#upstream;
    if (call && !call.ended) {
      call.ended = true;
      const upstreamFailure = call.errorType ?? (ctx.clientGone.aborted ? "client_closed" : undefined);
      this.instruments.client?.record((performance.now() - call.startedAt) / 1000, clientDurationSets.get([method, tool, serverName, upstreamFailure]));
      if (upstreamFailure) {
        call.span?.setAttribute("error.type", upstreamFailure);
        call.span?.setStatus({ code: SpanStatusCode.ERROR, message: upstreamFailure });
      }
      call.span?.end();
    }
    const span = this.#span;
    if (!span || !span.isRecording()) return;
    // One setAttribute per value: no attribute object is built per request.
    if (message.method !== undefined) span.setAttribute("mcp.method.name", message.method);
    if (message.tool !== undefined) span.setAttribute("gen_ai.tool.name", message.tool).setAttribute("gen_ai.operation.name", "execute_tool");
    if (message.id !== undefined) span.setAttribute("jsonrpc.request.id", message.id);
    if (ctx.jsonRpcError !== null) span.setAttribute("rpc.response.status_code", String(ctx.jsonRpcError));
    const session = headerValue(ctx.req.headers["mcp-session-id"]) ?? (ctx.res.getHeader("mcp-session-id") as string | undefined);
    if (session !== undefined) span.setAttribute("mcp.session.id", session);
    span
      .setAttribute("mcp.protocol.version", ctx.protocolVersion)
      .setAttribute("network.transport", "tcp")
      .setAttribute("network.protocol.name", "http")
      .setAttribute("network.protocol.version", ctx.req.httpVersion)
      .setAttribute("http.request.method", ctx.req.method ?? "")
      .setAttribute("http.response.status_code", ctx.res.statusCode)
      .setAttribute("portcullis.decision", ctx.decision);
    if (ctx.req.socket.remoteAddress !== undefined) span.setAttribute("client.address", ctx.req.socket.remoteAddress);
    if (ctx.route) span.setAttribute("portcullis.server", ctx.route.name);
    if (ctx.caller) span.setAttribute("portcullis.consumer", ctx.caller.username).setAttribute("portcullis.groups", [...ctx.caller.groups]);
    if (ctx.reason !== null) span.setAttribute("portcullis.reason", ctx.reason);
    if (ctx.rule !== undefined) span.setAttribute("portcullis.rule", ctx.rule);
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
    controlPlane: controlPlaneTracing(sdk),
    flush: () => sdk.flush(),
    shutdown: () => sdk.shutdown(),
  };
}
