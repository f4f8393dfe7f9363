// One audit event per gateway request: what the gateway emits and what the
// control plane ingests. Never carries a token, a key, or tool arguments.
import { z } from "zod";

export const auditEventSchema = z.object({
  /** Unique per request; the control plane de-duplicates on it. */
  id: z.uuid(),
  time: z.iso.datetime({ offset: true }),
  request_id: z.string().max(128),
  server: z.string().max(128),
  consumer: z.string().max(255).nullable(),
  groups: z.array(z.string().max(128)).max(100).default([]),
  /** Id of the API key that identified the consumer (the config's key `id`), for "last used". */
  key_id: z.string().max(64).nullable().default(null),
  /** Token-swap routes: the IdP user the token was issued to. */
  end_user: z.string().max(255).nullable().default(null),
  /** The credential used upstream, by name (a vault reference), never its value. */
  upstream_identity: z.string().max(255).nullable().default(null),
  method: z.string().max(128).nullable(),
  tool: z.string().max(256).nullable(),
  decision: z.enum(["allow", "deny", "error"]),
  reason: z.string().max(1000).default(""),
  http_status: z.number().int().min(100).max(599),
  rpc_error_code: z.number().int().nullable().default(null),
  upstream_latency_ms: z.number().min(0).nullable().default(null),
  total_latency_ms: z.number().min(0),
  bytes_in: z.number().int().min(0).default(0),
  bytes_out: z.number().int().min(0).default(0),
  /** SHA-256 of the bearer token, to correlate calls without keeping the token. */
  token_hash: z.string().max(100).nullable().default(null),
});

export type AuditEvent = z.infer<typeof auditEventSchema>;
export type AuditEventInput = z.input<typeof auditEventSchema>;

export const MAX_EVENTS_PER_BATCH = 1000;

export const eventBatchSchema = z.object({ events: z.array(auditEventSchema).max(MAX_EVENTS_PER_BATCH) });
