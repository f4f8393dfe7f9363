// One audit event per gateway request: what the gateway emits (its JSON-lines
// log, or the batches it ships to the control plane) and what the control
// plane ingests. It names who called what and how it ended; it never holds the
// token, the API key or a secret, and holds a tools/call's arguments only on a
// server with `audit_arguments`, with the paths its rule marks sensitive hashed.
import { z } from "zod";

/**
 * The longest text each field may hold (in UTF-16 code units, as JavaScript and zod count), and
 * the most groups: what the console accepts. The gateway fits every event it builds to these
 * (`fitAuditEvent`), so an event it builds always validates; the console refuses the rest one by
 * one (`parseEventBatch`).
 */
export const AUDIT_LIMITS = {
  request_id: 128,
  server: 128,
  http_method: 16,
  path: 2048,
  consumer: 255,
  group: 128,
  groups: 100,
  key_id: 64,
  end_user: 255,
  upstream_identity: 512,
  method: 256,
  tool: 256,
  reason: 1000,
  token_hash: 100,
  approval_id: 128,
  approval_by: 255,
} as const;

/** PostgreSQL's integer: the columns that hold a status, a JSON-RPC code, a version or a wait. */
const INT32_MAX = 2_147_483_647;
const int32 = () =>
  z
    .number()
    .int()
    .min(-INT32_MAX - 1)
    .max(INT32_MAX);

/** A NUL or a lone surrogate: PostgreSQL's text and jsonb cannot hold either, so a batch holding one would fail as a whole. */
function storable(value: string): boolean {
  return !value.includes("\0") && value.isWellFormed();
}

/** Whether every string of a JSON value, member names included, is storable (iterative: any depth). */
function storableJson(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === "string") {
      if (!storable(item)) return false;
    } else if (Array.isArray(item)) stack.push(...(item as unknown[]));
    else if (typeof item === "object" && item !== null) {
      for (const [key, member] of Object.entries(item)) {
        if (!storable(key)) return false;
        stack.push(member);
      }
    }
  }
  return true;
}

/** A JSON value with each unstorable string (member names included) made storable as fitText does; shape kept. */
function storableCopy(value: unknown): unknown {
  if (typeof value === "string") return storable(value) ? value : value.replaceAll("\0", "\uFFFD").toWellFormed();
  if (Array.isArray(value)) return value.map(storableCopy);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([key, member]) => [storableCopy(key), storableCopy(member)]));
  return value;
}

/** Text of at most `max` code units that PostgreSQL can store. */
const text = (max: number) => z.string().max(max).refine(storable, { message: "Contains a NUL character or an unpaired surrogate, which cannot be stored." });

export const auditEventSchema = z.object({
  /** Unique per request; the control plane de-duplicates on it. */
  id: z.uuid(),
  time: z.iso.datetime({ offset: true }),
  request_id: text(AUDIT_LIMITS.request_id),
  /** The route's server; null when no route matched. */
  server: text(AUDIT_LIMITS.server).nullable(),
  http_method: text(AUDIT_LIMITS.http_method).default(""),
  path: text(AUDIT_LIMITS.path).default(""),
  consumer: text(AUDIT_LIMITS.consumer).nullable(),
  /** At most 100; a gateway's event past that ends with a marker `…[+N groups]` counting the rest. */
  groups: z.array(text(AUDIT_LIMITS.group)).max(AUDIT_LIMITS.groups).default([]),
  /** The config's id of the API key that identified the consumer, for "last used". */
  key_id: text(AUDIT_LIMITS.key_id).nullable().default(null),
  /** token_swap: the IdP user the consumer was mapped from. */
  end_user: text(AUDIT_LIMITS.end_user).nullable().default(null),
  /** token_swap: the vault reference(s) of the credential sent upstream — names, never values. */
  upstream_identity: text(AUDIT_LIMITS.upstream_identity).nullable().default(null),
  /** JSON-RPC method(s) of the body; several for a batch. */
  method: text(AUDIT_LIMITS.method).nullable(),
  tool: text(AUDIT_LIMITS.tool).nullable(),
  decision: z.enum(["allow", "deny", "error"]),
  /** The gateway's error code or denial message when it refused or failed. */
  reason: text(AUDIT_LIMITS.reason).nullable().default(null),
  /** Any status Node can send (an upstream's own is relayed as it is). */
  status: z.number().int().min(100).max(999),
  jsonrpc_error: int32().nullable().default(null),
  upstream_latency_ms: z.number().min(0).nullable().default(null),
  total_latency_ms: z.number().min(0),
  /** Up to 2^53 − 1 (stored as bigint). */
  bytes_in: z.number().int().min(0).default(0),
  bytes_out: z.number().int().min(0).default(0),
  /** A short hash of the bearer token, to tell sessions apart without keeping the token. */
  token_hash: text(AUDIT_LIMITS.token_hash).nullable().default(null),
  session: z.boolean().default(false),
  /** `audit_arguments`: the tools/call's arguments, `redact_args` paths replaced by `sha256:` hashes. */
  arguments: z.record(z.string(), z.unknown()).refine(storableJson, { message: "Contains a NUL character or an unpaired surrogate, which cannot be stored." }).optional(),
  /** `result_redaction`: how many credentials were masked in the results sent to the client. */
  redactions: z.number().int().min(0).optional(),
  /** A call confirmed by its caller or approved by an approver before it was forwarded (docs/gateway.md, "Confirmation and approval"). */
  approval: z
    .strictObject({
      /** The console's approval id; for a confirmation answered in the MCP client, the call's hash. */
      id: text(AUDIT_LIMITS.approval_id).min(1),
      kind: z.enum(["confirm", "approve"]),
      /** The approver's console username; the caller's username for a confirmation; null when not known. */
      by: text(AUDIT_LIMITS.approval_by).nullable(),
      at: z.iso.datetime({ offset: true }),
      /** From the first time the gateway asked to the call's forwarding. */
      waited_ms: z.number().int().min(0).max(INT32_MAX),
    })
    .optional(),
  /** The control plane's number of the configuration version that decided the request; null for a config file. */
  config_version: z.number().int().min(1).max(INT32_MAX).nullable().default(null),
});

export type AuditEvent = z.infer<typeof auditEventSchema>;

export const MAX_EVENTS_PER_BATCH = 1000;

/** The body of a data plane's POST to DP_API.events. */
export const eventBatchSchema = z.object({ events: z.array(auditEventSchema).max(MAX_EVENTS_PER_BATCH) });
export type EventBatch = z.input<typeof eventBatchSchema>;

/** A batch's event the console refused: its index in the batch, and why (each `field: message`). */
export interface InvalidEvent {
  index: number;
  problems: string[];
}

/**
 * The console's answer to a batch it took: the events stored, those it had already (a re-sent
 * batch), and those it refused, which it will never store — the data plane drops them and moves on.
 */
export interface EventBatchResult {
  inserted: number;
  duplicates: number;
  invalid: InvalidEvent[];
}

const batchEnvelope = z.object({ events: z.array(z.unknown()).max(MAX_EVENTS_PER_BATCH) });
const MAX_PROBLEMS_PER_EVENT = 5;

/**
 * A batch's body, event by event: the valid events (in batch order) and the invalid ones by
 * index; or, for a body that is not a batch at all (not an object with an `events` array of at
 * most MAX_EVENTS_PER_BATCH), its problems.
 */
export function parseEventBatch(body: unknown): { ok: true; events: AuditEvent[]; invalid: InvalidEvent[] } | { ok: false; problems: string[] } {
  const envelope = batchEnvelope.safeParse(body);
  if (!envelope.success) return { ok: false, problems: envelope.error.issues.slice(0, 20).map((i) => `${i.path.join(".")}: ${i.message}`) };
  const events: AuditEvent[] = [];
  const invalid: InvalidEvent[] = [];
  envelope.data.events.forEach((candidate, index) => {
    const parsed = auditEventSchema.safeParse(candidate);
    if (parsed.success) events.push(parsed.data);
    else invalid.push({ index, problems: parsed.error.issues.slice(0, MAX_PROBLEMS_PER_EVENT).map((i) => `${i.path.join(".") || "(event)"}: ${i.message}`) });
  });
  return { ok: true, events, invalid };
}

// --- Fitting an event to the limits (the gateway, once per request) ---

const MARKER_ROOM = 32;

/**
 * `value` within `max` code units and storable: a NUL or lone surrogate becomes U+FFFD; past
 * `max` it is cut and ends with `…[N chars]`, N its original length (just `…` when `max` is too
 * small for that). Never cuts a surrogate pair in half. The common case costs a length check
 * and two scans of a short string.
 */
export function fitText(value: string, max: number): string {
  let fitted = storable(value) ? value : value.replaceAll("\0", "\uFFFD").toWellFormed();
  if (fitted.length <= max) return fitted;
  const marker = max >= MARKER_ROOM ? `…[${value.length} chars]` : "…";
  let keep = max - marker.length;
  const last = fitted.charCodeAt(keep - 1);
  if (last >= 0xd800 && last <= 0xdbff) keep -= 1;
  fitted = fitted.slice(0, keep) + marker;
  return fitted;
}

const fitNullable = (value: string | null, max: number): string | null => (value === null ? null : fitText(value, max));

const clamp = (value: number, min: number, max: number) => (value < min ? min : value > max ? max : value);

/** The groups within the limits: past 100, the first 99 and a last entry `…[+N groups]` counting the others. */
export function fitGroups(groups: string[]): string[] {
  const kept = groups.length > AUDIT_LIMITS.groups ? groups.slice(0, AUDIT_LIMITS.groups - 1) : groups;
  const fitted = kept.map((g) => fitText(g, AUDIT_LIMITS.group));
  if (kept.length < groups.length) fitted.push(`…[+${groups.length - kept.length} groups]`);
  return fitted;
}

/**
 * Fits a gateway-built event (in place) to what the console accepts, so that one oversized
 * request (a 3,000-character path, a long JSON-RPC batch's methods, an IdP token with hundreds
 * of groups) cannot make an event the console refuses. Returns the same object.
 */
export function fitAuditEvent(event: AuditEvent): AuditEvent {
  const L = AUDIT_LIMITS;
  event.request_id = fitText(event.request_id, L.request_id);
  event.server = fitNullable(event.server, L.server);
  event.http_method = fitText(event.http_method, L.http_method);
  event.path = fitText(event.path, L.path);
  event.consumer = fitNullable(event.consumer, L.consumer);
  event.groups = fitGroups(event.groups);
  event.key_id = fitNullable(event.key_id, L.key_id);
  event.end_user = fitNullable(event.end_user, L.end_user);
  event.upstream_identity = fitNullable(event.upstream_identity, L.upstream_identity);
  event.method = fitNullable(event.method, L.method);
  event.tool = fitNullable(event.tool, L.tool);
  event.reason = fitNullable(event.reason, L.reason);
  event.status = clamp(Math.trunc(event.status), 100, 999);
  if (event.jsonrpc_error !== null) event.jsonrpc_error = clamp(Math.trunc(event.jsonrpc_error), -INT32_MAX - 1, INT32_MAX);
  event.token_hash = fitNullable(event.token_hash, L.token_hash);
  // A caller's arguments (audit_arguments routes): the batch goes to PostgreSQL as one jsonb value.
  if (event.arguments !== undefined && !storableJson(event.arguments)) event.arguments = storableCopy(event.arguments) as Record<string, unknown>;
  if (event.approval) {
    event.approval.id = fitText(event.approval.id, L.approval_id);
    event.approval.by = fitNullable(event.approval.by, L.approval_by);
    event.approval.waited_ms = clamp(Math.round(event.approval.waited_ms), 0, INT32_MAX);
  }
  return event;
}
