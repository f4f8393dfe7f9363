// What the OpenTelemetry SDK alone costs per traced tools/call, in a process
// of its own with nothing else running: the two spans the gateway makes (SERVER
// and the upstream CLIENT, with the gateway's attributes), the two duration
// histograms, and the OTLP export to the bench's sink, each added in turn. The
// gateway's tracing cost cannot go below these figures without leaving the
// official SDK; inside the gateway they come out higher still, since the SDK's
// code then shares the CPU caches and the heap with the request's own work.
// Prints one JSON line: CPU µs per request for each step.
import { ROOT_CONTEXT, SpanKind, trace, type Histogram } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { OTLPTraceExporter as JsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemoryMetricExporter, AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, TracerProvider, AlwaysOnSampler, type SpanExporter } from "@opentelemetry/sdk-trace";

const REQUESTS = 100_000;
const url = `http://127.0.0.1:${process.env.PORT}/v1/traces`;
const discard: SpanExporter = { export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }), shutdown: async () => {} };
const serverSet = {
  "mcp.method.name": "tools/call",
  "gen_ai.tool.name": "tool_001",
  "mcp.protocol.version": "2025-06-18",
  "network.transport": "tcp",
  "portcullis.server": "bench",
  "portcullis.decision": "allow",
};
const clientSet = { "mcp.method.name": "tools/call", "gen_ai.tool.name": "tool_001", "portcullis.server": "bench" };

async function measure(exporter: SpanExporter, histograms: boolean): Promise<number> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": "portcullis-gateway" }),
    sampler: new AlwaysOnSampler(),
    // As lib/core/telemetry/sdk.ts configures it.
    spanProcessors: [new BatchSpanProcessor({ maxExportBatchSize: 512, maxQueueSize: 8192, scheduledDelayMillis: 1000, exporter })],
  });
  const tracer = provider.getTracer("portcullis-gateway");
  const meter = new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 5000 })],
  }).getMeter("m");
  const server: Histogram = meter.createHistogram("mcp.server.operation.duration");
  const client: Histogram = meter.createHistogram("mcp.client.operation.duration");
  const request = (i: number) => {
    const span = tracer.startSpan("tools/call tool_001", { kind: SpanKind.SERVER });
    const upstream = tracer.startSpan("tools/call tool_001", { kind: SpanKind.CLIENT }, trace.setSpan(ROOT_CONTEXT, span));
    upstream
      .setAttribute("mcp.method.name", "tools/call")
      .setAttribute("gen_ai.tool.name", "tool_001")
      .setAttribute("gen_ai.operation.name", "execute_tool")
      .setAttribute("jsonrpc.request.id", String(i))
      .setAttribute("mcp.protocol.version", "2025-06-18")
      .setAttribute("server.address", "127.0.0.1")
      .setAttribute("server.port", 4000)
      .setAttribute("network.transport", "tcp")
      .setAttribute("network.protocol.name", "http")
      .setAttribute("portcullis.server", "bench")
      .setAttribute("http.response.status_code", 200);
    if (histograms) client.record(0.001, clientSet);
    upstream.end();
    if (histograms) server.record(0.001, serverSet);
    span
      .setAttribute("mcp.method.name", "tools/call")
      .setAttribute("gen_ai.tool.name", "tool_001")
      .setAttribute("gen_ai.operation.name", "execute_tool")
      .setAttribute("jsonrpc.request.id", String(i))
      .setAttribute("mcp.session.id", "4f2c6a1e9b7d4c3a8e5f0a1b2c3d4e5f")
      .setAttribute("mcp.protocol.version", "2025-06-18")
      .setAttribute("network.transport", "tcp")
      .setAttribute("network.protocol.name", "http")
      .setAttribute("network.protocol.version", "1.1")
      .setAttribute("http.request.method", "POST")
      .setAttribute("http.response.status_code", 200)
      .setAttribute("portcullis.decision", "allow")
      .setAttribute("client.address", "127.0.0.1")
      .setAttribute("portcullis.server", "bench")
      .setAttribute("portcullis.consumer", "bench-agent")
      .setAttribute("portcullis.groups", ["agents"])
      .setAttribute("portcullis.rule", "tools.tool_001")
      .end();
  };
  // Warm-up, then requests in slices of 50 per event-loop turn, so the batch exports run between them as in the gateway.
  for (let i = 0; i < 20_000; i++) request(i);
  await provider.forceFlush();
  const before = process.cpuUsage();
  for (let done = 0; done < REQUESTS;) {
    for (const end = done + 50; done < end; done++) request(done);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await provider.forceFlush();
  const used = process.cpuUsage(before);
  await provider.shutdown();
  return Math.round(((used.user + used.system) / REQUESTS) * 10) / 10;
}

const spans = await measure(discard, false);
const histograms = await measure(discard, true);
const protobuf = await measure(new ProtobufTraceExporter({ url }), true);
const json = await measure(new JsonTraceExporter({ url }), true);
console.log(JSON.stringify({ spans_us: spans, with_histograms_us: histograms, with_otlp_protobuf_export_us: protobuf, with_otlp_json_export_us: json }));
