// A real OTLP/HTTP receiver for tests (the gateway's and the console's traces,
// the gateway's metrics, the audit export's logs): /v1/traces, /v1/metrics and
// /v1/logs in protobuf (decoded with protobufjs from the opentelemetry-proto
// messages below, field numbers as in opentelemetry-proto v1: common, resource,
// trace, metrics, logs) or JSON. It can be told to refuse exports, as a
// collector that is down or overloaded would.
import http from "node:http";
import type { AddressInfo } from "node:net";
import protobuf from "protobufjs";

const OTLP_PROTO = `
syntax = "proto3";
package otlp;
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
message Span { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; string name = 5; int32 kind = 6;
  fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8; repeated KeyValue attributes = 9; repeated Link links = 13; Status status = 15; }
message Link { bytes trace_id = 1; bytes span_id = 2; }
message Status { string message = 2; int32 code = 3; }
message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; }
message ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2; }
message Metric { string name = 1; string description = 2; string unit = 3; Histogram histogram = 9; }
message Histogram { repeated HistogramDataPoint data_points = 1; }
message HistogramDataPoint { fixed64 count = 4; double sum = 5; repeated double explicit_bounds = 7; repeated KeyValue attributes = 9; }
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; }
message ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; }
message LogRecord { fixed64 time_unix_nano = 1; int32 severity_number = 2; string severity_text = 3; AnyValue body = 5; repeated KeyValue attributes = 6;
  fixed64 observed_time_unix_nano = 11; string event_name = 12; }
`;
const root = protobuf.parse(OTLP_PROTO, { keepCase: false }).root;
const TraceRequest = root.lookupType("otlp.ExportTraceServiceRequest");
const MetricsRequest = root.lookupType("otlp.ExportMetricsServiceRequest");
const LogsRequest = root.lookupType("otlp.ExportLogsServiceRequest");

export interface ReceivedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  /** OTLP SpanKind: 2 server, 3 client, 1 internal. */
  kind: number;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
  status: { code: number; message?: string };
  service: string;
}

export interface ReceivedPoint {
  metric: string;
  unit: string;
  count: number;
  bounds: number[];
  attributes: Record<string, unknown>;
}

export interface ReceivedLog {
  service: string;
  scope: string;
  /** Nanoseconds since the epoch, as the decimal string OTLP carries. */
  timeUnixNano: string;
  severityNumber: number;
  severityText: string;
  eventName: string;
  body: unknown;
  attributes: Record<string, unknown>;
}

type Json = Record<string, unknown>;

function value(v: Json | undefined): unknown {
  if (!v) return undefined;
  if ("stringValue" in v) return v.stringValue;
  if ("boolValue" in v) return v.boolValue;
  if ("intValue" in v) return Number(v.intValue);
  if ("doubleValue" in v) return v.doubleValue;
  if ("arrayValue" in v) return ((v.arrayValue as Json).values as Json[] | undefined)?.map(value) ?? [];
  if ("kvlistValue" in v) return attributes((v.kvlistValue as Json).values as Json[] | undefined);
  return undefined;
}

function attributes(list: Json[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key as string, value(kv.value as Json)]));
}

/** Protobuf bytes arrive as base64 from toObject, JSON carries hex (OTLP/JSON encoding rule). */
function id(raw: unknown, json: boolean): string {
  if (!raw) return "";
  return json ? String(raw).toLowerCase() : Buffer.from(String(raw), "base64").toString("hex");
}

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  points: ReceivedPoint[];
  logs: ReceivedLog[];
  /** Content types of the exports received, per path. */
  contentTypes: string[];
  /** Every header value the exporter sent, to check the configured headers arrive. */
  headers: http.IncomingHttpHeaders[];
  waitForSpans(match: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]>;
  waitForPoints(match: (points: ReceivedPoint[]) => boolean): Promise<ReceivedPoint[]>;
  waitForLogs(match: (logs: ReceivedLog[]) => boolean): Promise<ReceivedLog[]>;
  /** Answers every export with this HTTP status (and decodes nothing) until set back to 200. */
  answerWith(status: number): void;
  /** Exports refused so far. */
  refused(): number;
  close(): Promise<void>;
}

/** Listens on `port` (default: any free one). */
export async function startOtlpReceiver(port = 0): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const logs: ReceivedLog[] = [];
  let status = 200;
  let refused = 0;
  const points: ReceivedPoint[] = [];
  const contentTypes: string[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  let waiters: (() => void)[] = [];
  const notify = () => {
    const now = waiters;
    waiters = [];
    for (const w of now) w();
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (status !== 200) {
        refused++;
        res.writeHead(status).end();
        notify();
        return;
      }
      const json = (req.headers["content-type"] ?? "").startsWith("application/json");
      contentTypes.push(`${req.url} ${req.headers["content-type"]}`);
      headers.push(req.headers);
      const decode = (type: protobuf.Type): Json =>
        json ? (JSON.parse(body.toString("utf8")) as Json) : type.toObject(type.decode(body), { longs: String, bytes: String, defaults: false });
      if (req.url === "/v1/traces") {
        for (const rs of (decode(TraceRequest).resourceSpans as Json[]) ?? []) {
          const service = attributes((rs.resource as Json | undefined)?.attributes as Json[])["service.name"] as string;
          for (const ss of (rs.scopeSpans as Json[]) ?? [])
            for (const s of (ss.spans as Json[]) ?? [])
              spans.push({
                name: s.name as string,
                traceId: id(s.traceId, json),
                spanId: id(s.spanId, json),
                parentSpanId: id(s.parentSpanId, json),
                kind: Number(s.kind),
                attributes: attributes(s.attributes as Json[]),
                links: ((s.links as Json[]) ?? []).map((l) => ({ traceId: id(l.traceId, json), spanId: id(l.spanId, json) })),
                status: { code: Number((s.status as Json | undefined)?.code ?? 0), message: (s.status as Json | undefined)?.message as string | undefined },
                service,
              });
        }
      } else if (req.url === "/v1/metrics") {
        for (const rm of (decode(MetricsRequest).resourceMetrics as Json[]) ?? [])
          for (const sm of (rm.scopeMetrics as Json[]) ?? [])
            for (const m of (sm.metrics as Json[]) ?? [])
              for (const p of ((m.histogram as Json | undefined)?.dataPoints as Json[]) ?? [])
                points.push({
                  metric: m.name as string,
                  unit: m.unit as string,
                  count: Number(p.count),
                  bounds: (p.explicitBounds as number[]) ?? [],
                  attributes: attributes(p.attributes as Json[]),
                });
      } else if (req.url === "/v1/logs") {
        for (const rl of (decode(LogsRequest).resourceLogs as Json[]) ?? []) {
          const service = attributes((rl.resource as Json | undefined)?.attributes as Json[])["service.name"] as string;
          for (const sl of (rl.scopeLogs as Json[]) ?? [])
            for (const r of (sl.logRecords as Json[]) ?? [])
              logs.push({
                service,
                scope: ((sl.scope as Json | undefined)?.name as string) ?? "",
                timeUnixNano: String(r.timeUnixNano ?? ""),
                severityNumber: Number(r.severityNumber ?? 0),
                severityText: (r.severityText as string) ?? "",
                eventName: (r.eventName as string) ?? "",
                body: value(r.body as Json | undefined),
                attributes: attributes(r.attributes as Json[]),
              });
        }
      }
      res.writeHead(200, { "content-type": json ? "application/json" : "application/x-protobuf" });
      res.end(json ? "{}" : "");
      notify();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const waitFor = <T>(list: T[], match: (items: T[]) => boolean) =>
    new Promise<T[]>((resolve) => {
      const check = () => (match(list) ? resolve(list) : waiters.push(check));
      check();
    });
  return {
    url,
    spans,
    points,
    logs,
    contentTypes,
    headers,
    waitForSpans: (match) => waitFor(spans, match),
    waitForPoints: (match) => waitFor(points, match),
    waitForLogs: (match) => waitFor(logs, match),
    answerWith: (next) => {
      status = next;
    },
    refused: () => refused,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
