// One allowed tools/call as a gateway reports it, for tests that store or
// export audit events; a test overrides what it is about.
import { randomUUID } from "node:crypto";
import type { AuditEvent } from "../../lib/core/audit/event";

export function sampleAuditEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    request_id: randomUUID(),
    http_method: "POST",
    path: "/mcp",
    session: false,
    server: "github",
    consumer: "alice",
    groups: [],
    key_id: null,
    end_user: null,
    upstream_identity: null,
    method: "tools/call",
    tool: "search_repositories",
    decision: "allow",
    reason: null,
    status: 200,
    jsonrpc_error: null,
    upstream_latency_ms: 1,
    total_latency_ms: 2,
    bytes_in: 10,
    bytes_out: 20,
    token_hash: null,
    config_version: null,
    ...overrides,
  };
}
