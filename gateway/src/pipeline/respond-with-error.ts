// The gateway's own answer to a request it refuses or cannot serve: a JSON-RPC
// error object with the request id when one is known, the HTTP status from the
// error table, and the decision recorded for the audit event. A refusal after
// the response has started (a broken stream) can only close the connection.
// Its interim answer — an input_required result asking the caller for
// something first (MCP 2026-07-28) — is recorded as a refusal too.
import { GatewayError, jsonRpcErrorResponse, type ErrorCode, type JsonRpcId } from "../errors";
import { singleRequestId } from "../jsonrpc/message";
import { sseMessage } from "../transport/sse";
import type { RequestContext } from "./context";
import type { Logger } from "./handle-request";

/** Refusals of who the caller is or what they may do; everything else that fails is an error. */
const DENIALS = new Set<ErrorCode>([
  "token_missing",
  "token_invalid",
  "insufficient_scope",
  "key_missing",
  "key_unknown",
  "key_malformed",
  "consumer_unknown",
  "client_blocked",
  "identity_mismatch",
  "origin_denied",
  "tool_denied",
  "condition_denied",
  "condition_failed",
  "condition_cost_exceeded",
  "session_not_found",
  "token_checks_limited",
  "tool_changed",
  "tool_not_approved",
  "rate_limited",
  "confirmation_declined",
  "confirmation_mismatch",
  "confirmation_invalid",
  "confirmation_expired",
  "confirmation_used",
  "approval_required",
  "approval_rejected",
  "approval_expired",
  "approval_limited",
  "approval_pending_limited",
  "upstream_not_connected",
  "upstream_connection_broken",
  "url_elicitation_undeclared",
  "upstream_connection_required",
  "connection_declined",
  "connection_state_invalid",
  "connection_state_expired",
  "connection_state_used",
]);

export function respondWithError(ctx: RequestContext, error: GatewayError, cors: Record<string, string>, log: Logger) {
  ctx.decision = DENIALS.has(error.code) ? "deny" : "error";
  ctx.reason = error.code;
  if (error.rule !== undefined) ctx.rule = error.rule;
  ctx.jsonRpcError = error.jsonRpcCode;
  if (error.code === "internal") log.error({ request_id: ctx.id, server: ctx.route?.name, error: error.detail }, "request failed");
  else if (error.httpStatus >= 500) log.warn({ request_id: ctx.id, server: ctx.route?.name, reason: error.code, detail: error.detail }, error.message);
  const { res } = ctx;
  const response = jsonRpcErrorResponse(error.id ?? singleRequestId(ctx.body), error);
  // A stream the gateway opened itself to wait for an approval, before anything upstream went into it, ends with the error.
  if (res.headersSent && ctx.heldOpen && !res.writableEnded) {
    const event = sseMessage(response);
    ctx.bytesOut += Buffer.byteLength(event);
    res.end(event);
    return;
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(response);
  ctx.bytesOut = Buffer.byteLength(body);
  const headers: Record<string, string> = { ...cors, ...error.headers, "content-type": "application/json" };
  // A body over the limit is left unread: close rather than drain it.
  if (error.code === "body_too_large") headers.connection = "close";
  res.writeHead(error.httpStatus, headers);
  res.end(body);
}

/** Answers the request with a result of the gateway's own (input_required): nothing went upstream. */
export function respondWithInterimResult(ctx: RequestContext, id: JsonRpcId, result: Record<string, unknown>, reason: string, cors: Record<string, string>) {
  const body = JSON.stringify({ jsonrpc: "2.0", id, result });
  ctx.decision = "deny";
  ctx.reason = reason;
  ctx.bytesOut = Buffer.byteLength(body);
  ctx.res.writeHead(200, { ...cors, "content-type": "application/json" });
  ctx.res.end(body);
}
