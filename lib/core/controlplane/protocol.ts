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
  /** POST ApprovalClaim → ApprovalAnswer: ask for, or use, the approval of one tool call. */
  approvals: "/api/dp/v1/approvals",
  /** POST UpstreamTokenRequest → UpstreamTokenAnswer: a signed-in user's own credential for one server (per_user routes). */
  upstreamTokens: "/api/dp/v1/upstream-tokens",
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

const sha256Text = z.string().regex(/^sha256:[0-9a-f]{64}$/);

/**
 * A gateway's claim on the approval of one tool call (docs/gateway.md, "Confirmation and approval"). The console,
 * atomically: an approved, unexpired, unused approval with this call_hash and rule_hash is marked used and answered
 * `approved` (once, across every gateway); else a pending one is answered `pending`; else a rejected one within its
 * expiry `rejected`; else a new pending one is created (201), unless the consumer has too many pending on the server (429).
 */
export const approvalClaimSchema = z.strictObject({
  /** `approve`: an approver decides. `confirm`: the caller confirms their own call in the console (clients that cannot be asked in-band). */
  kind: z.enum(["approve", "confirm"]),
  /** lib/core/approvals/call-hash.ts `callHash`. */
  call_hash: sha256Text,
  server: z.string().min(1).max(128),
  tool: z.string().min(1).max(128),
  consumer: z.string().min(1).max(255),
  groups: z.array(z.string().min(1).max(128)).max(100),
  /** The call's arguments as shown to approvers, the rule's `redact_args` paths replaced by `sha256:` hashes. */
  arguments: z.record(z.string(), z.unknown()),
  /** The tool rule's name, or "(default)". */
  rule: z.string().min(1).max(128),
  /** lib/core/approvals/call-hash.ts `ruleHash`. */
  rule_hash: sha256Text,
  /** null for a gateway configured from a file (which never claims: it has no console). */
  config_version: z.number().int().positive().nullable(),
  /** Consumer groups whose members may approve; empty for `confirm` (only the caller may). */
  approvers: z.array(z.string().min(1).max(128)).max(100),
  /** May an approver approve their own call (always true for `confirm`). */
  self_approval: z.boolean(),
  expires_seconds: z.number().int().min(60).max(86_400),
  request_id: z.string().min(1).max(128),
  /** The claiming gateway's hostname. */
  gateway: z.string().min(1).max(255),
});
export type ApprovalClaim = z.infer<typeof approvalClaimSchema>;

/** A claim's body is bounded before it is parsed: the arguments are shown to approvers, not stored without limit. */
export const APPROVAL_CLAIM_MAX_BYTES = 1024 * 1024;

export const APPROVAL_STATUSES = ["pending", "approved", "rejected", "expired", "used", "void"] as const;

export const approvalSchema = z.object({
  id: z.string().min(1).max(128),
  /** The console's page of this approval: its public URL + /approvals/<id>. */
  url: z.url({ protocol: /^https?$/ }),
  status: z.enum(APPROVAL_STATUSES),
  expires_at: z.iso.datetime({ offset: true }),
  requested_at: z.iso.datetime({ offset: true }),
  /** The console username of who approved or rejected it. */
  decided_by: z.string().max(255).nullable(),
  decided_at: z.iso.datetime({ offset: true }).nullable(),
});
export type ApprovalView = z.infer<typeof approvalSchema>;

/**
 * The console's answer to an ApprovalClaim: 200 for an existing approval, 201 for a new pending one; 429
 * `too_many_pending` when the claim would be a new pending approval but the consumer already has `limit` calls
 * (`waiting`) on this server waiting for a person (PORTCULLIS_APPROVALS_PENDING_PER_CONSUMER): nothing is created.
 */
export const approvalAnswerSchema = z.union([
  z.object({
    /** `approved`: forward the call now (the approval is used by this answer). */
    decision: z.enum(["approved", "pending", "rejected"]),
    approval: approvalSchema,
  }),
  z.object({
    decision: z.literal("too_many_pending"),
    waiting: z.number().int().min(0),
    limit: z.number().int().min(1),
  }),
]);
export type ApprovalAnswer = z.infer<typeof approvalAnswerSchema>;
/** A claim's answer about an approval (every decision but the refusal `too_many_pending`). */
export type ApprovalDecisionAnswer = Extract<ApprovalAnswer, { approval: unknown }>;

/**
 * A gateway's request for a user's own upstream credential on a server with `upstream_credential.per_user`
 * (docs/gateway.md, "Per-user upstream credentials"). `rejected`: the upstream refused (401) the last value the
 * gateway was given for this user, so the console must not hand the same access token back: it refreshes it, or
 * marks the connection broken and answers `broken`. `rejected_sha256`: the SHA-256 (hex) of that value; when the
 * stored token is no longer the one refused (another gateway's report refreshed it already), the console answers the
 * stored one instead of refreshing again, which would void the one just handed out.
 */
export const upstreamTokenRequestSchema = z.strictObject({
  server: z.string().min(1).max(128),
  consumer: z.string().min(1).max(255),
  rejected: z.literal(true).optional(),
  rejected_sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export type UpstreamTokenRequest = z.infer<typeof upstreamTokenRequestSchema>;

/** A request's body is bounded before it is parsed. */
export const UPSTREAM_TOKEN_REQUEST_MAX_BYTES = 4 * 1024;

const headerName = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);
/** Visible ASCII and inner spaces only: a CR or LF would split the upstream request's headers. */
export const UPSTREAM_HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
const headerValue = z.string().max(8192).regex(UPSTREAM_HEADER_VALUE);
/** The console page where the signed-in user connects this server: its public URL + /connections/<server>/connect. */
const connectUrl = z.url({ protocol: /^https?$/ }).max(2048);
const humanMessage = z.string().min(1).max(500);

/** The console's answer (200) to an UpstreamTokenRequest. */
export const upstreamTokenAnswerSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("connected"),
    /** The whole header value, scheme included (e.g. "Bearer gho_…"). */
    value: headerValue,
    /** The header it goes in: the server's `per_user.header`. */
    header: headerName,
    /** When the access token expires; null: not known (the gateway keeps it at most 10 minutes). */
    expires_at: z.iso.datetime({ offset: true }).nullable(),
  }),
  /** The user has never connected this server. */
  z.object({ status: z.literal("not_connected"), connect_url: connectUrl, message: humanMessage }),
  /** The connection no longer works (the upstream revoked the grant, a refresh failed): the user connects again. */
  z.object({ status: z.literal("broken"), connect_url: connectUrl, message: humanMessage }),
]);
export type UpstreamTokenAnswer = z.infer<typeof upstreamTokenAnswerSchema>;
