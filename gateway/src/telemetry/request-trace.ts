// What the pipeline sees of tracing: a RequestTrace per request when an OTLP
// endpoint is configured, `undefined` otherwise, so every call site is one
// optional call (`ctx.trace?.…`) and a gateway without telemetry does no work.
// This file holds types and the loader only; the SDK and the code that makes
// spans (otel-request-trace.ts) are imported when telemetry is switched on.
import type { Attributes, Context } from "@opentelemetry/api";
import { readTelemetrySettings } from "../../../lib/core/telemetry/settings";
import type { RequestContext } from "../pipeline/context";

/** The W3C Trace Context the gateway sends upstream, in the headers and in params._meta. */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

export interface UpstreamCallTrace {
  /** undefined when the request is not sampled: the client's own context, if any, passes through unchanged. */
  readonly carrier: TraceCarrier | undefined;
  /** The call failed before an answer (timeout, unreachable). */
  fail(errorType: string): void;
  answered(status: number): void;
}

export interface RequestTrace {
  /** A child span around one step (token validation, vault resolution, token exchange). */
  step<T>(name: string, attributes: Record<string, string | number | boolean>, run: () => Promise<T>): Promise<T>;
  /** Starts the server span once the MCP message is known (its parent may be in params._meta). */
  open(ctx: RequestContext): void;
  upstreamCall(ctx: RequestContext): UpstreamCallTrace;
  /** The response has closed: attributes from the outcome, the span ends, the durations are recorded. */
  end(ctx: RequestContext): void;
}

/** A request to the console: `headers` are the caller's, the trace context is added to them. */
export type ControlPlaneRequest = Omit<RequestInit, "headers"> & { method: "GET" | "POST"; headers: Record<string, string> };

/**
 * The gateway's requests to its control plane (config stream, reports, audit batches, drift), each a CLIENT
 * span whose context goes in `traceparent`/`tracestate` for the console to continue; an `activity` (a config
 * version applied) is the parent of the requests made inside it.
 */
export interface ControlPlaneTracing {
  fetch(url: URL, init: ControlPlaneRequest, parent?: Context): Promise<Response>;
  activity<T>(name: string, attributes: Attributes, run: (parent: Context | undefined) => Promise<T>): Promise<T>;
}

export const UNTRACED_CONTROL_PLANE: ControlPlaneTracing = {
  fetch: (url, init) => fetch(url, init),
  activity: (_name, _attributes, run) => run(undefined),
};

export interface GatewayTelemetry {
  begin(ctx: RequestContext): RequestTrace;
  controlPlane: ControlPlaneTracing;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Reads the OTEL_* variables; loads the SDK only when an endpoint is set (a TelemetrySettingsError names a wrong variable). */
export async function loadGatewayTelemetry(env: Readonly<Record<string, string | undefined>>, version: string): Promise<GatewayTelemetry | undefined> {
  const settings = readTelemetrySettings(env, "portcullis-gateway");
  if (!settings) return undefined;
  const { startGatewayTelemetry } = await import("./otel-request-trace");
  return startGatewayTelemetry(settings, version);
}
