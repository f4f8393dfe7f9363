// Messages between a data plane (gateway) and the control plane (console).
// Shared by both sides; imports nothing but zod, so the gateway can use it.
import { z } from "zod";

export const DP_API = {
  /** GET, Server-Sent Events: `event: config`, data = ConfigMessage. */
  config: "/api/dp/v1/config",
  /** POST ReportMessage: what the data plane applied or refused. */
  report: "/api/dp/v1/report",
  /** POST EventBatch: audit events. */
  events: "/api/dp/v1/events",
  /** POST DriftBatch: tool definitions listed without an approved pin. */
  drift: "/api/dp/v1/drift",
} as const;

/** Who is connecting: headers of the data plane's GET of the config stream, shown on the data planes page. */
export const DP_HELLO_HEADERS = {
  hostname: "x-portcullis-hostname",
  softwareVersion: "x-portcullis-version",
  /** The data plane's start, epoch milliseconds. */
  startedAt: "x-portcullis-started-at",
} as const;

/** The Server-Sent Events type of the stream's ConfigMessage events. */
export const CONFIG_EVENT = "config";

export const configMessageSchema = z.object({
  version: z.number().int().positive(),
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  document: z.unknown(),
});
export type ConfigMessage = z.infer<typeof configMessageSchema>;

export const reportMessageSchema = z.object({
  applied: z.object({ version: z.number().int().positive(), hash: z.string().max(100) }).optional(),
  rejected: z.object({ version: z.number().int().positive(), hash: z.string().max(100), problems: z.array(z.string().max(2000)).max(200) }).optional(),
  /** Audit events dropped since the data plane started (its buffer was full). */
  dropped_events: z.number().int().min(0).default(0),
});
export type ReportMessage = z.input<typeof reportMessageSchema>;

/**
 * A tool definition a data plane saw listed without an approved pin (gateway/src/pipeline/catalogue.ts
 * `ToolDrift`), sent once per server, tool and pin. A definition without a pin (JCS cannot represent
 * it) is never approvable and is not sent: the gateway holds it and logs it.
 */
export const toolDriftSchema = z.strictObject({
  server: z.string().min(1).max(200),
  tool: z.string().min(1).max(128),
  pin: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  approved: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/)
    .nullable(),
  definition: z.record(z.string(), z.unknown()),
  seen_at: z.iso.datetime({ offset: true }),
});
export type ToolDriftMessage = z.infer<typeof toolDriftSchema>;

export const DRIFT_BATCH_MAX = 50;
export const driftBatchSchema = z.strictObject({ drifts: z.array(toolDriftSchema).min(1).max(DRIFT_BATCH_MAX) });
/** A batch's body is bounded before it is parsed: definitions are large, but not this large. */
export const DRIFT_BODY_MAX_BYTES = 4 * 1024 * 1024;
