// One audit event per gateway request: what the gateway emits (its JSON-lines
// log, or the batches it ships to the control plane) and what the control
// plane ingests. It names who called what and how it ended; it never holds the
// token, the API key or a secret, and holds a tools/call's arguments only on a
// server with `audit_arguments`, with the paths its rule marks sensitive hashed.
import { z } from "zod";

export const auditEventSchema = z.object({
  /** Unique per request; the control plane de-duplicates on it. */
  id: z.uuid(),
  time: z.iso.datetime({ offset: true }),
  request_id: z.string().max(128),
  /** The route's server; null when no route matched. */
  server: z.string().max(128).nullable(),
  http_method: z.string().max(16).default(""),
  path: z.string().max(2048).default(""),
  consumer: z.string().max(255).nullable(),
  groups: z.array(z.string().max(128)).max(100).default([]),
  /** The config's id of the API key that identified the consumer, for "last used". */
  key_id: z.string().max(64).nullable().default(null),
  /** token_swap: the IdP user the consumer was mapped from. */
  end_user: z.string().max(255).nullable().default(null),
  /** token_swap: the vault reference(s) of the credential sent upstream — names, never values. */
  upstream_identity: z.string().max(512).nullable().default(null),
  /** JSON-RPC method(s) of the body; several for a batch. */
  method: z.string().max(256).nullable(),
  tool: z.string().max(256).nullable(),
  decision: z.enum(["allow", "deny", "error"]),
  /** The gateway's error code or denial message when it refused or failed. */
  reason: z.string().max(1000).nullable().default(null),
  status: z.number().int().min(100).max(599),
  jsonrpc_error: z.number().int().nullable().default(null),
  upstream_latency_ms: z.number().min(0).nullable().default(null),
  total_latency_ms: z.number().min(0),
  bytes_in: z.number().int().min(0).default(0),
  bytes_out: z.number().int().min(0).default(0),
  /** A short hash of the bearer token, to tell sessions apart without keeping the token. */
  token_hash: z.string().max(100).nullable().default(null),
  session: z.boolean().default(false),
  /** `audit_arguments`: the tools/call's arguments, `redact_args` paths replaced by `sha256:` hashes. */
  arguments: z.record(z.string(), z.unknown()).optional(),
  /** `result_redaction`: how many credentials were masked in the results sent to the client. */
  redactions: z.number().int().min(0).optional(),
  /** A call confirmed by its caller or approved by an approver before it was forwarded (docs/gateway.md, "Confirmation and approval"). */
  approval: z
    .strictObject({
      /** The console's approval id; for a confirmation answered in the MCP client, the call's hash. */
      id: z.string().min(1).max(128),
      kind: z.enum(["confirm", "approve"]),
      /** The approver's console username; the caller's username for a confirmation; null when not known. */
      by: z.string().max(255).nullable(),
      at: z.iso.datetime({ offset: true }),
      /** From the first time the gateway asked to the call's forwarding. */
      waited_ms: z.number().int().min(0),
    })
    .optional(),
  /** The control plane's number of the configuration version that decided the request; null for a config file. */
  config_version: z.number().int().min(1).nullable().default(null),
});

export type AuditEvent = z.infer<typeof auditEventSchema>;

export const MAX_EVENTS_PER_BATCH = 1000;

/** The body of a data plane's POST to DP_API.events. */
export const eventBatchSchema = z.object({ events: z.array(auditEventSchema).max(MAX_EVENTS_PER_BATCH) });
export type EventBatch = z.input<typeof eventBatchSchema>;
