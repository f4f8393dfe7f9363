// Tracing of the data-plane API (issue 19): with an OTLP endpoint in the
// standard OTEL_* variables, each data-plane request is a SERVER span that
// continues the gateway's `traceparent`, with child spans for the writes it
// makes (audit ingestion, a report or drift stored), so a config push and an
// audit batch can be followed from the gateway into the console. Without an
// endpoint the SDK is never loaded and a request costs one resolved promise.
import type { Attributes } from "@opentelemetry/api";
import { readTelemetrySettings, TelemetrySettingsError } from "../core/telemetry/settings";
import packageJson from "../../package.json";

export interface DataPlaneTrace {
  /** A child span around one step that waits on the database. */
  step<T>(name: string, attributes: Attributes, run: () => Promise<T>): Promise<T>;
  /** The authenticated data plane, named on the request's span. */
  identify(planeName: string): void;
}

export const UNTRACED: DataPlaneTrace = { step: (_name, _attributes, run) => run(), identify: () => {} };

export interface ConsoleTracing {
  /** Runs the request inside its SERVER span, parented on the caller's trace context. */
  serve(request: Request, handle: (trace: DataPlaneTrace) => Promise<Response>): Promise<Response>;
}

const globalForTracing = globalThis as unknown as { portcullisConsoleTracing?: Promise<ConsoleTracing | undefined> };

async function load(): Promise<ConsoleTracing | undefined> {
  let settings;
  try {
    settings = readTelemetrySettings(process.env, "portcullis-console");
  } catch (error) {
    if (!(error instanceof TelemetrySettingsError)) throw error;
    // The control plane keeps serving its data planes; the variable to fix is named once.
    console.error(`OpenTelemetry is off: ${error.message}`);
    return undefined;
  }
  if (!settings?.traces) return undefined;
  const { startConsoleTracing } = await import("./otel-dp-trace");
  // The console records no metrics of its own: traces only.
  return startConsoleTracing({ ...settings, metrics: undefined }, packageJson.version);
}

/** Read once per process; undefined when no OTLP traces endpoint is set. */
export function consoleTracing(): Promise<ConsoleTracing | undefined> {
  return (globalForTracing.portcullisConsoleTracing ??= load());
}
