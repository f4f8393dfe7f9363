// Per-tool access: a denied tools/call is answered by the gateway and never
// reaches the upstream; tools/list results are filtered to what the caller may
// call. Decisions come from lib/acl (the one ACL function).
import { TOOL_NAME_PATTERN } from "../../../lib/config/schema";
import { decideToolAccess, describeDenial, type Caller, type CompiledAcl } from "../../../lib/acl/decide";
import { GatewayError } from "../errors";
import type { ParsedBody } from "../jsonrpc/message";

export interface ToolCallDecision {
  tool: string;
  allowed: boolean;
}

/**
 * Decides every tools/call in the body. A single denied call becomes a
 * JSON-RPC error for its id; in a batch (2025-03-26), one denied call refuses
 * the whole batch, so an upstream never runs part of a batch the caller saw refused.
 */
export function decideToolCalls(acl: CompiledAcl, caller: Caller, body: ParsedBody): ToolCallDecision[] {
  const decisions: ToolCallDecision[] = [];
  for (const message of body.messages) {
    if (message.kind !== "request" || message.method !== "tools/call") continue;
    const tool = message.params!.name as string;
    const decision = decideToolAccess(acl, tool, caller);
    decisions.push({ tool, allowed: decision.allowed });
    if (!decision.allowed) {
      const error = new GatewayError("tool_denied", describeDenial(tool, caller, decision), `rule '${decision.rule}': ${decision.reason}`);
      throw error.withId(body.batch ? null : message.id);
    }
  }
  return decisions;
}

/** A JSON-RPC response carrying a tools/list result (`result.tools` is an array). */
function isToolsListResult(message: unknown): message is { result: { tools: unknown[] } } {
  if (typeof message !== "object" || message === null || !("result" in message)) return false;
  const result = (message as { result: unknown }).result;
  return typeof result === "object" && result !== null && Array.isArray((result as { tools?: unknown }).tools);
}

/**
 * The tools/list result with only the tools the caller may call; other fields
 * (nextCursor included) are kept, so paging goes on even when a page empties.
 * Returns undefined when the message is not a tools/list result. Tools whose
 * names are not plain MCP names are dropped: the gateway would refuse to call them.
 */
export function filterToolsList(message: unknown, acl: CompiledAcl, caller: Caller): unknown {
  if (Array.isArray(message)) {
    let changed = false;
    const out = message.map((m) => {
      const filtered = filterToolsList(m, acl, caller);
      if (filtered === undefined) return m;
      changed = true;
      return filtered;
    });
    return changed ? out : undefined;
  }
  if (!isToolsListResult(message)) return undefined;
  const tools = message.result.tools.filter((tool) => {
    const name = (tool as { name?: unknown } | null)?.name;
    return typeof name === "string" && TOOL_NAME_PATTERN.test(name) && decideToolAccess(acl, name, caller).allowed;
  });
  return { ...message, result: { ...message.result, tools } };
}
