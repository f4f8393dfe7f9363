// The OTLP logs sink: each audit event becomes one OpenTelemetry log record,
// made by the official SDK's Logger (@opentelemetry/sdk-logs) and sent by its
// OTLP/HTTP exporter, in protobuf or JSON. The export engine's queue is the only
// queue: the logger hands each record to a processor that only collects it, and
// the batch goes to the exporter when the queue's pump delivers it, so retries,
// backoff and drops are the engine's as for every sink.
//
// Attributes follow the semantic conventions where one exists (MCP, GenAI,
// HTTP, RPC, user) and are portcullis.* otherwise; the body is the exported
// event whole, chain hashes included. Severity: INFO allowed, WARN denied,
// ERROR failed (OpenTelemetry logs data model, SeverityNumber).
import { type Attributes, SeverityNumber } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { OTLPLogExporter as JsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as ProtobufLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider, type LogRecordProcessor, type ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { ExportedEvent } from "./exported-event";
import type { DeliverBatch } from "./sink-queue";

export const OTLP_LOGS_SCOPE = "portcullis-audit-export";
export const AUDIT_EVENT_NAME = "portcullis.audit";

const SEVERITY = {
  allow: { severityNumber: SeverityNumber.INFO, severityText: "INFO" },
  deny: { severityNumber: SeverityNumber.WARN, severityText: "WARN" },
  error: { severityNumber: SeverityNumber.ERROR, severityText: "ERROR" },
} as const;

export interface OtlpLogsTarget {
  url: string;
  protocol: "http/protobuf" | "http/json";
  /** Resolved header values (vault references already replaced). */
  headers: () => Promise<Record<string, string>>;
  /** One delivery attempt's budget, the exporter's own retries of a retryable answer included. */
  timeoutMs?: number;
}

/** The attributes of one audit event's log record. */
export function auditLogAttributes(event: ExportedEvent): Attributes {
  const attributes: Attributes = {
    "http.request.method": event.http_method,
    "url.path": event.path,
    "http.response.status_code": event.status,
    "portcullis.audit.event_id": event.id,
    "portcullis.audit.chain_key": event.chainKey,
    "portcullis.audit.chain_seq": event.chainSeq,
    "portcullis.audit.hash": event.hash,
    "portcullis.request.id": event.request_id,
    "portcullis.decision": event.decision,
    "portcullis.groups": event.groups,
    "portcullis.total_latency_ms": event.total_latency_ms,
  };
  if (event.method !== null) attributes["mcp.method.name"] = event.method;
  if (event.tool !== null) {
    attributes["gen_ai.tool.name"] = event.tool;
    attributes["gen_ai.operation.name"] = "execute_tool";
  }
  if (event.jsonrpc_error !== null) attributes["rpc.response.status_code"] = String(event.jsonrpc_error);
  // error.type: low-cardinality, as the conventions ask: the JSON-RPC error code, else the HTTP status.
  if (event.decision !== "allow") attributes["error.type"] = String(event.jsonrpc_error ?? event.status);
  if (event.end_user !== null) attributes["user.name"] = event.end_user;
  if (event.server !== null) attributes["portcullis.server"] = event.server;
  if (event.consumer !== null) attributes["portcullis.consumer"] = event.consumer;
  if (event.key_id !== null) attributes["portcullis.key_id"] = event.key_id;
  if (event.reason !== null) attributes["portcullis.reason"] = event.reason;
  if (event.upstream_latency_ms !== null) attributes["portcullis.upstream_latency_ms"] = event.upstream_latency_ms;
  if (event.config_version !== null) attributes["portcullis.config.version"] = event.config_version;
  return attributes;
}

/** Keeps what the logger emits, for the delivery that called it to take. */
class CollectingProcessor implements LogRecordProcessor {
  records: ReadableLogRecord[] = [];
  onEmit(record: ReadableLogRecord): void {
    this.records.push(record);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The exporter's OTLPExporterError carries the HTTP status in `code` when the endpoint answered. */
function exportError(error: Error | undefined): Error {
  const status = (error as { code?: unknown } | undefined)?.code;
  if (typeof status === "number") return new Error(`OTLP logs endpoint answered HTTP ${status}`);
  return new Error(`OTLP logs endpoint: ${error?.message ?? "export failed"}`);
}

export function otlpLogsDelivery(target: OtlpLogsTarget): { deliver: DeliverBatch; close: () => void } {
  const collected = new CollectingProcessor();
  const provider = new LoggerProvider({ resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: "portcullis-console" }), processors: [collected] });
  const logger = provider.getLogger(OTLP_LOGS_SCOPE);
  const timeoutMillis = target.timeoutMs ?? 10_000;
  return {
    async deliver(events) {
      const headers = await target.headers();
      // An exporter per attempt: headers may name a vault secret that was rotated since the last one.
      const config = { url: target.url, headers, timeoutMillis };
      const exporter = target.protocol === "http/json" ? new JsonLogExporter(config) : new ProtobufLogExporter(config);
      collected.records = [];
      const observed = new Date();
      for (const event of events) {
        logger.emit({
          eventName: AUDIT_EVENT_NAME,
          timestamp: new Date(event.time),
          observedTimestamp: observed,
          ...SEVERITY[event.decision],
          body: event,
          attributes: auditLogAttributes(event),
        });
      }
      const records = collected.records;
      collected.records = [];
      try {
        await new Promise<void>((resolve, reject) =>
          exporter.export(records, (result) => (Number(result.code) === Number(ExportResultCode.SUCCESS) ? resolve() : reject(exportError(result.error)))),
        );
      } finally {
        void exporter.shutdown();
      }
    },
    close: () => void provider.shutdown(),
  };
}
