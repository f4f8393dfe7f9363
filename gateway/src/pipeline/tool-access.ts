// Per-tool access on the request side: a denied tools/call is answered by the
// gateway and never reaches the upstream. Decisions come from lib/core/acl (the
// one ACL function); tools/list results are filtered in tools-list-filter.ts.
import { decideToolAccess, describeDenial, type Caller, type CompiledAcl } from "../../../lib/core/acl/decide";
import { GatewayError } from "../errors";
import type { ParsedBody } from "../jsonrpc/message";

/**
 * Decides every tools/call in the body. A single denied call becomes a
 * JSON-RPC error for its id; in a batch (2025-03-26), one denied call refuses
 * the whole batch, so an upstream never runs part of a batch the caller saw refused.
 */
export function decideToolCalls(acl: CompiledAcl, caller: Caller, body: ParsedBody): void {
  for (const message of body.messages) {
    if (message.kind !== "request" || message.method !== "tools/call") continue;
    const tool = message.params!.name as string;
    const decision = decideToolAccess(acl, tool, caller);
    if (!decision.allowed) {
      const error = new GatewayError("tool_denied", describeDenial(tool, caller, decision), `rule '${decision.rule}': ${decision.reason}`);
      throw error.withId(body.batch ? null : message.id);
    }
  }
}
