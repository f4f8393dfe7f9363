// The gateway's one error type. Every refusal the gateway answers itself is a
// GatewayError with a string code; ERROR_TABLE maps the code to the HTTP status
// and the JSON-RPC error code, so a status is decided in one place only.
// Messages are written for the caller: they never hold a token, key, secret or
// stack trace. Anything else that escapes becomes `internal` (logged, not shown).

export const ERROR_TABLE = {
  // Discovery and identity. Only token problems are 401: any 401 makes an MCP
  // client restart its OAuth flow, which cannot fix a missing API key.
  token_missing: { http: 401, jsonRpc: -32001 },
  token_invalid: { http: 401, jsonRpc: -32001 },
  insufficient_scope: { http: 403, jsonRpc: -32001 },
  key_missing: { http: 403, jsonRpc: -32001 },
  key_unknown: { http: 403, jsonRpc: -32001 },
  key_malformed: { http: 403, jsonRpc: -32001 },
  consumer_unknown: { http: 403, jsonRpc: -32001 },
  /** A sign_in token of an MCP client an admin blocked: 403, since a new sign-in through that client is refused too. */
  client_blocked: { http: 403, jsonRpc: -32001 },
  identity_mismatch: { http: 403, jsonRpc: -32001 },
  /** Too many unseen tokens from one client address would each cost an introspection call. */
  token_checks_limited: { http: 429, jsonRpc: -32000 },
  origin_denied: { http: 403, jsonRpc: -32000 },
  /** A rate limit or quota of the route (servers[].limits) is spent. */
  rate_limited: { http: 429, jsonRpc: -32000 },
  // Routing and transport.
  not_configured: { http: 503, jsonRpc: -32603 },
  route_not_found: { http: 404, jsonRpc: -32000 },
  method_not_allowed: { http: 405, jsonRpc: -32000 },
  session_not_found: { http: 404, jsonRpc: -32001 },
  unsupported_media_type: { http: 415, jsonRpc: -32000 },
  body_too_large: { http: 413, jsonRpc: -32000 },
  // The message itself.
  parse_error: { http: 400, jsonRpc: -32700 },
  invalid_request: { http: 400, jsonRpc: -32600 },
  header_mismatch: { http: 400, jsonRpc: -32020 },
  unsupported_protocol_version: { http: 400, jsonRpc: -32022 },
  invalid_params: { http: 200, jsonRpc: -32602 },
  tool_denied: { http: 200, jsonRpc: -32602 },
  /** A rule's CEL condition refused the call's arguments; `condition_failed`: it could not be evaluated on them (fail closed). */
  condition_denied: { http: 200, jsonRpc: -32602 },
  condition_failed: { http: 200, jsonRpc: -32602 },
  /** The arguments are too large for the condition's cost limit: refused without evaluating it. */
  condition_cost_exceeded: { http: 200, jsonRpc: -32602 },
  /** Catalogue change control: the tool's definition differs from the approved one, or was never approved. */
  tool_changed: { http: 200, jsonRpc: -32602 },
  tool_not_approved: { http: 200, jsonRpc: -32602 },
  // Confirmation and approval (docs/gateway.md): the call was not forwarded.
  /** The caller declined (or cancelled) the confirmation, or did not tick it. */
  confirmation_declined: { http: 200, jsonRpc: -32602 },
  /** The confirmation answered was given for another call (other arguments, tool, server or caller) or another rule. */
  confirmation_mismatch: { http: 200, jsonRpc: -32602 },
  /** The requestState is not one this gateway signed (forged or altered). */
  confirmation_invalid: { http: 200, jsonRpc: -32602 },
  confirmation_expired: { http: 200, jsonRpc: -32602 },
  /** An accepted confirmation is forwarded once; its requestState presented again is refused. */
  confirmation_used: { http: 200, jsonRpc: -32602 },
  /** Waiting for an approver: data carries approval_id, approval_url and expires_at; retry the identical call once approved. */
  approval_required: { http: 200, jsonRpc: -32602 },
  approval_rejected: { http: 200, jsonRpc: -32602 },
  approval_expired: { http: 200, jsonRpc: -32602 },
  /** The caller already has the gateway's cap of calls waiting for a person on this server (approvals/held-calls.ts): refused unasked. */
  approval_limited: { http: 429, jsonRpc: -32000 },
  /** The console created no approval: the caller already has its cap of pending ones on this server (PORTCULLIS_APPROVALS_PENDING_PER_CONSUMER). */
  approval_pending_limited: { http: 429, jsonRpc: -32000 },
  /** No console to ask (a gateway configured from a file), or it could not be asked: fail closed. */
  approval_unavailable: { http: 503, jsonRpc: -32603 },
  // Things behind the gateway.
  upstream_unreachable: { http: 502, jsonRpc: -32603 },
  upstream_timeout: { http: 504, jsonRpc: -32603 },
  upstream_bad_response: { http: 502, jsonRpc: -32603 },
  /** The upstream's answer could not be judged (a tools/list that does not parse, nests too deep…): refused, never passed on. */
  upstream_invalid: { http: 502, jsonRpc: -32603 },
  credential_unavailable: { http: 502, jsonRpc: -32603 },
  /**
   * per_user routes: the signed-in user has not connected the server, or the connection broke. MCP's
   * URLElicitationRequiredError (2025-11-25): data.elicitations holds the console page that connects it.
   */
  upstream_not_connected: { http: 200, jsonRpc: -32042 },
  upstream_connection_broken: { http: 200, jsonRpc: -32042 },
  /**
   * The same, to a 2026-07-28 client, which has no -32042 (reserved "2025-11-25 only"): on tools/call, prompts/get
   * and resources/read without URL elicitation declared, MissingRequiredClientCapability (HTTP 400 by the spec)…
   */
  url_elicitation_undeclared: { http: 400, jsonRpc: -32021 },
  /** …and on every other method, which may not answer input_required: the message names the connect page. */
  upstream_connection_required: { http: 200, jsonRpc: -32000 },
  /** The retry after the gateway's connect request: the user declined or cancelled it. */
  connection_declined: { http: 200, jsonRpc: -32602 },
  /** Its requestState is not one this gateway signed, or was signed for another call or user. */
  connection_state_invalid: { http: 200, jsonRpc: -32602 },
  connection_state_expired: { http: 200, jsonRpc: -32602 },
  /** A connect request's state forwards one call; presented again, it is refused. */
  connection_state_used: { http: 200, jsonRpc: -32602 },
  /** The upstream refused (401) the user's own credential, again after the console was told. */
  upstream_credential_rejected: { http: 502, jsonRpc: -32603 },
  token_exchange_failed: { http: 502, jsonRpc: -32603 },
  idp_unavailable: { http: 503, jsonRpc: -32603 },
  metadata_unavailable: { http: 502, jsonRpc: -32603 },
  internal: { http: 500, jsonRpc: -32603 },
} as const satisfies Record<string, { http: number; jsonRpc: number }>;

export type ErrorCode = keyof typeof ERROR_TABLE;

export type JsonRpcId = string | number | null;

export class GatewayError extends Error {
  /** The JSON-RPC id the error answers, when the request carried one. */
  id: JsonRpcId = null;
  /** Extra response headers, e.g. WWW-Authenticate on 401/403. */
  headers: Record<string, string> = {};
  /** Extra members of the JSON-RPC error's `data`, for programs (e.g. when to retry); never secrets. */
  data: Record<string, unknown> = {};

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Why, for the log and the audit event only (never sent to the client). */
    readonly detail?: string,
  ) {
    super(message);
    this.name = "GatewayError";
  }

  withId(id: JsonRpcId): this {
    this.id = id;
    return this;
  }

  withHeader(name: string, value: string): this {
    this.headers[name] = value;
    return this;
  }

  /** The ACL rule that refused the call, for traces (never sent to the client). */
  rule: string | undefined;

  withRule(rule: string): this {
    this.rule = rule;
    return this;
  }

  withData(data: Record<string, unknown>): this {
    Object.assign(this.data, data);
    return this;
  }

  get httpStatus(): number {
    return ERROR_TABLE[this.code].http;
  }

  get jsonRpcCode(): number {
    return ERROR_TABLE[this.code].jsonRpc;
  }
}

export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new GatewayError("internal", "The gateway failed to handle this request", detail);
}

/** The JSON-RPC error object; `data.reason` carries the string code for programs, beside the error's extra data. */
export function jsonRpcErrorResponse(
  id: JsonRpcId,
  error: GatewayError,
): { jsonrpc: "2.0"; id: JsonRpcId; error: { code: number; message: string; data: { reason: ErrorCode } & Record<string, unknown> } } {
  return { jsonrpc: "2.0", id, error: { code: error.jsonRpcCode, message: error.message, data: { ...error.data, reason: error.code } } };
}
