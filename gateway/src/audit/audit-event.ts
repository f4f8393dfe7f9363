// One structured event per request. It names who called what and how it ended;
// it never holds the token, the API key, a secret or the tool arguments (the
// bearer token appears only as a short hash, to tell sessions apart).

export interface AuditEvent {
  /** Unique, so a collector can de-duplicate re-sent events. */
  id: string;
  time: string;
  request_id: string;
  server: string | null;
  http_method: string;
  path: string;
  consumer: string | null;
  groups: string[];
  /** token_swap: the IdP user the consumer was mapped from. */
  end_user: string | null;
  /** token_swap: the vault reference(s) of the credential sent upstream — names, never values. */
  upstream_identity: string | null;
  /** JSON-RPC method(s) of the body; several for a batch. */
  method: string | null;
  tool: string | null;
  decision: "allow" | "deny" | "error";
  /** The gateway's error code when it refused or failed (see docs/gateway.md). */
  reason: string | null;
  status: number;
  jsonrpc_error: number | null;
  upstream_latency_ms: number | null;
  total_latency_ms: number;
  bytes_in: number;
  bytes_out: number;
  token_hash: string | null;
  session: boolean;
}
