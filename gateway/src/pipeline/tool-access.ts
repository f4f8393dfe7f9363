// Per-tool access: a denied tools/call is answered by the gateway and never
// reaches the upstream; tools/list results are filtered to what the caller may
// call. Decisions come from lib/acl (the one ACL function).
import { TOOL_NAME_PATTERN } from "../../../lib/core/config/schema";
import { decideToolAccess, describeDenial, type Caller, type CompiledAcl } from "../../../lib/core/acl/decide";
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
  if (tools.length === message.result.tools.length) return undefined;
  return { ...message, result: { ...message.result, tools } };
}

// Upstreams answer tools/list with the same text again and again; parsing and
// re-serialising it dominates the cost of a list. Remember the outcome per
// ACL (a new config brings new ACL objects), caller and exact upstream text.
const CACHED_TEXTS_PER_ACL = 32;
const MAX_CACHED_TEXT = 64 * 1024;
const filtered = new WeakMap<CompiledAcl, Map<string, string | null>>();

/**
 * filterToolsList on JSON text: the filtered text, or undefined when the text
 * is not a tools/list result or the caller may call every tool in it.
 */
export function filterToolsListText(text: string, acl: CompiledAcl, caller: Caller): string | undefined {
  if (!text.includes('"tools"')) return undefined;
  const key = text.length <= MAX_CACHED_TEXT ? `${caller.username}\u0000${caller.groups.join("\u0001")}\u0000${text}` : undefined;
  let cache = filtered.get(acl);
  if (!cache) filtered.set(acl, (cache = new Map()));
  const known = key === undefined ? undefined : cache.get(key);
  if (known !== undefined) return known ?? undefined;
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    // Not JSON: nothing in it names a tool the caller could call through the gateway.
    return undefined;
  }
  const result = filterToolsList(message, acl, caller);
  const out = result === undefined ? null : JSON.stringify(result);
  if (key !== undefined) {
    if (cache.size >= CACHED_TEXTS_PER_ACL) cache.delete(cache.keys().next().value!);
    cache.set(key, out);
  }
  return out ?? undefined;
}
