// The console's spans for data-plane requests, loaded only when tracing is on
// (lib/controlplane/dp-trace.ts). HTTP server semantic conventions: the span is
// `{method} {http.route}` (the data-plane routes have no parameters, so the
// path is the route), with http.request.method, url.path, http.route and
// http.response.status_code; error.type on a 5xx. Parented explicitly, like
// the gateway's: no global context manager, nothing registered with Next.
import { type Context, type TextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { startTelemetrySdk } from "../core/telemetry/sdk";
import type { TelemetrySettings } from "../core/telemetry/settings";
import type { ConsoleTracing, DataPlaneTrace } from "./dp-trace";

const headersGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

export function startConsoleTracing(settings: TelemetrySettings, version: string): ConsoleTracing {
  const sdk = startTelemetrySdk(settings, { name: "portcullis-console", version });
  const tracer = sdk.tracer!;
  const traceFor = (span: ReturnType<typeof tracer.startSpan>, context: Context): DataPlaneTrace => ({
    identify: (planeName) => span.setAttribute("portcullis.data_plane", planeName),
    async step(name, attributes, run) {
      const child = tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, context);
      try {
        return await run();
      } catch (error) {
        child.setAttribute("error.type", (error as Error).name);
        child.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        child.end();
      }
    },
  });
  return {
    async serve(request, handle) {
      const path = new URL(request.url).pathname;
      const parent = sdk.propagator.extract(ROOT_CONTEXT, request.headers, headersGetter);
      const span = tracer.startSpan(
        `${request.method} ${path}`,
        { kind: SpanKind.SERVER, attributes: { "http.request.method": request.method, "url.path": path, "http.route": path } },
        parent,
      );
      try {
        const response = await handle(traceFor(span, trace.setSpan(ROOT_CONTEXT, span)));
        span.setAttribute("http.response.status_code", response.status);
        if (response.status >= 500) {
          span.setAttribute("error.type", String(response.status));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        return response;
      } finally {
        span.end();
      }
    },
  };
}
