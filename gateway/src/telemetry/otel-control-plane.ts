// Spans for the gateway's requests to its control plane, so that a config push
// and an audit batch can be followed into the console: each request is a CLIENT
// span (HTTP client semantic conventions: `{method} {path}`, http.request.method,
// server.address/port, url.full, http.response.status_code, error.type) whose
// context goes in `traceparent`/`tracestate` (W3C Trace Context, section 3), and
// the console's SERVER span continues it (lib/controlplane/dp-route.ts).
import { type Attributes, type Context, type TextMapSetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { TelemetrySdk } from "../../../lib/core/telemetry/sdk";
import { UNTRACED_CONTROL_PLANE, type ControlPlaneTracing } from "./request-trace";

const headerSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** error.type of a request that got no answer: the cause's code (ECONNREFUSED) when undici gives one. */
function failureType(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (typeof cause?.code === "string") return cause.code;
  return (error as Error).name === "TimeoutError" ? "timeout" : "_OTHER";
}

export function controlPlaneTracing(sdk: TelemetrySdk): ControlPlaneTracing {
  const tracer = sdk.tracer;
  if (!tracer) return UNTRACED_CONTROL_PLANE;
  return {
    async fetch(url, init, parent = ROOT_CONTEXT) {
      const span = tracer.startSpan(
        `${init.method} ${url.pathname}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            "http.request.method": init.method,
            "url.full": `${url.origin}${url.pathname}`,
            "server.address": url.hostname,
            "server.port": Number(url.port || (url.protocol === "https:" ? 443 : 80)),
          },
        },
        parent,
      );
      const headers = { ...init.headers };
      sdk.propagator.inject(trace.setSpan(parent, span), headers, headerSetter);
      try {
        const response = await fetch(url, { ...init, headers });
        span.setAttribute("http.response.status_code", response.status);
        if (response.status >= 400) {
          span.setAttribute("error.type", String(response.status));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        return response;
      } catch (error) {
        span.setAttribute("error.type", failureType(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
    async activity<T>(name: string, attributes: Attributes, run: (parent: Context | undefined) => Promise<T>): Promise<T> {
      const span = tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, ROOT_CONTEXT);
      try {
        return await run(trace.setSpan(ROOT_CONTEXT, span));
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  };
}
