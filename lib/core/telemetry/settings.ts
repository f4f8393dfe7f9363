// Which OpenTelemetry export a process does, read once from the standard OTEL_*
// variables (OpenTelemetry specification, "Environment Variable Specification"
// and "OTLP Exporter Configuration"). No endpoint set: telemetry is off, and
// nothing of the SDK is ever loaded. Shared by the gateway and the console.
import { z } from "zod";

export type OtlpProtocol = "http/protobuf" | "http/json";

export interface OtlpTarget {
  url: string;
  protocol: OtlpProtocol;
  headers: Record<string, string>;
}

export interface TelemetrySettings {
  serviceName: string;
  resourceAttributes: Record<string, string>;
  traces: (OtlpTarget & { sampler: SamplerSetting }) | undefined;
  metrics: (OtlpTarget & { intervalMs: number }) | undefined;
}

export type SamplerSetting =
  { kind: "always_on" | "always_off" | "parentbased_always_on" | "parentbased_always_off" } | { kind: "traceidratio" | "parentbased_traceidratio"; ratio: number };

export class TelemetrySettingsError extends Error {
  override name = "TelemetrySettingsError";
}

const SAMPLERS = ["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"] as const;
const protocol = z.enum(["http/protobuf", "http/json"], { error: "OTLP over HTTP only: use http/protobuf or http/json (grpc is not supported)" });
const endpoint = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const ratio = z.coerce.number({ error: "must be a number from 0 to 1" }).min(0, "must be a number from 0 to 1").max(1, "must be a number from 0 to 1");

/** `key1=value1,key2=value2`, values percent-encoded (W3C Baggage format, as the specification says for OTEL_EXPORTER_OTLP_HEADERS). */
function keyValueList(text: string | undefined, variable: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const pair of text.split(",")) {
    if (pair.trim() === "") continue;
    const at = pair.indexOf("=");
    if (at <= 0) throw new TelemetrySettingsError(`${variable}: expected key=value pairs separated by commas`);
    try {
      out[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      throw new TelemetrySettingsError(`${variable}: a value is not valid percent-encoding`);
    }
  }
  return out;
}

function read<T>(schema: z.ZodType<T>, value: string | undefined, variable: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new TelemetrySettingsError(`${variable} ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

/** The signal's own endpoint is used as it is; the shared one gets `/v1/<signal>` appended (OTLP exporter specification). */
function target(env: Readonly<Record<string, string | undefined>>, signal: "TRACES" | "METRICS"): OtlpTarget | undefined {
  const own = env[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`];
  const shared = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!own && !shared) return undefined;
  const url = own
    ? read(endpoint, own, `OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`)
    : `${read(endpoint, shared, "OTEL_EXPORTER_OTLP_ENDPOINT").replace(/\/+$/, "")}/v1/${signal.toLowerCase()}`;
  const protocolVariable = env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`] ? `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL` : "OTEL_EXPORTER_OTLP_PROTOCOL";
  return {
    url,
    protocol: read(protocol, env[protocolVariable] || "http/protobuf", protocolVariable),
    headers: {
      ...keyValueList(env.OTEL_EXPORTER_OTLP_HEADERS, "OTEL_EXPORTER_OTLP_HEADERS"),
      ...keyValueList(env[`OTEL_EXPORTER_OTLP_${signal}_HEADERS`], `OTEL_EXPORTER_OTLP_${signal}_HEADERS`),
    },
  };
}

function sampler(env: Readonly<Record<string, string | undefined>>): SamplerSetting {
  const kind = read(z.enum(SAMPLERS, { error: `must be one of ${SAMPLERS.join(", ")}` }), env.OTEL_TRACES_SAMPLER || "parentbased_always_on", "OTEL_TRACES_SAMPLER");
  if (kind !== "traceidratio" && kind !== "parentbased_traceidratio") return { kind };
  return { kind, ratio: read(ratio, env.OTEL_TRACES_SAMPLER_ARG || "1", "OTEL_TRACES_SAMPLER_ARG") };
}

/** `undefined` when no OTLP endpoint is set (or OTEL_SDK_DISABLED=true); a TelemetrySettingsError names the variable that is wrong. */
export function readTelemetrySettings(env: Readonly<Record<string, string | undefined>>, defaultServiceName: string): TelemetrySettings | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return undefined;
  const exporter = (variable: string) => read(z.enum(["otlp", "none"], { error: "must be otlp or none" }), env[variable] || "otlp", variable);
  const traces = exporter("OTEL_TRACES_EXPORTER") === "otlp" ? target(env, "TRACES") : undefined;
  const metrics = exporter("OTEL_METRICS_EXPORTER") === "otlp" ? target(env, "METRICS") : undefined;
  if (!traces && !metrics) return undefined;
  const intervalMs = read(z.coerce.number().int().min(100, "must be at least 100 (ms)"), env.OTEL_METRIC_EXPORT_INTERVAL || "60000", "OTEL_METRIC_EXPORT_INTERVAL");
  return {
    serviceName: env.OTEL_SERVICE_NAME || defaultServiceName,
    resourceAttributes: keyValueList(env.OTEL_RESOURCE_ATTRIBUTES, "OTEL_RESOURCE_ATTRIBUTES"),
    traces: traces && { ...traces, sampler: sampler(env) },
    metrics: metrics && { ...metrics, intervalMs },
  };
}
