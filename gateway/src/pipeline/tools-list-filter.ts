// tools/list results reach the caller with only the tools it may call, and the
// filter fails closed: it decides on the parsed value of every JSON body and
// SSE event that could hold a list, never on the text.
// - Text that cannot name a tools list under any decoder's reading (no
//   "tools" in any case, no escape, nothing beyond ASCII) passes untouched;
//   everything else is parsed (a leading BOM stripped) and forwarded as the
//   gateway re-serialises it, so a first-duplicate-wins client reads what the
//   gateway judged, and escapes such as "\u0074ools" mean what JSON.parse says.
// - A message that holds a list under a loose spelling (`Result`, `Tools`, which
//   Go's decoder accepts) or with keys that fold together, or that nests too
//   deep to judge, is refused. So is text that must be judged but does not parse.
// - Only the top level is walked (a message, or a batch of messages): no
//   recursion an upstream could drive into a stack overflow.
// Refusals are GatewayError("upstream_invalid"): a 502 for a JSON body, the end
// of the stream (with an error event) for SSE.
import { TOOL_NAME_PATTERN } from "../../../lib/core/config/schema";
import { decideToolAccess, type Caller, type CompiledAcl } from "../../../lib/core/acl/decide";
import { GatewayError } from "../errors";
import { findShapeProblem } from "../jsonrpc/json-shape";
import { foldKey } from "../jsonrpc/key-fold";

/** Cheap and not foolable: a tools key, under any decoder, needs one of these in the text. */
// eslint-disable-next-line no-control-regex -- [^\x00-\x7f] is "any non-ASCII character", control characters included on purpose
const MAY_NAME_TOOLS = /tools|\\|[^\x00-\x7f]/i;
const BOM = "\ufeff";

type Message = Record<string, unknown>;

function isObject(value: unknown): value is Message {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function refuse(detail: string): GatewayError {
  return new GatewayError("upstream_invalid", "The server's answer could not be checked, so it was not passed on", detail);
}

/** Values under keys of `object` that fold onto `member`, with whether the key was spelt exactly. */
function loosely(object: Message, member: string): Array<{ exact: boolean; value: unknown }> {
  const found: Array<{ exact: boolean; value: unknown }> = [];
  for (const key of Object.keys(object)) if (foldKey(key) === member) found.push({ exact: key === member, value: object[key] });
  return found;
}

/** Whether any decoder could read a tools list out of this message. */
function holdsToolsList(message: Message): boolean {
  return loosely(message, "result").some(({ value }) => isObject(value) && loosely(value, "tools").length > 0);
}

export interface ListJudgement {
  acl: CompiledAcl;
  caller: Caller;
  /** The text answers a tools/list (or server/discover) request: text that is not JSON is refused even if it names nothing. */
  mustParse: boolean;
  /**
   * 2026-07-28 cacheable results: a filtered list is per caller, so it is marked
   * `cacheScope: "private"`, keeping the upstream's `ttlMs` (0, "immediately stale", when it sent none).
   */
  privateCache: boolean;
  /**
   * Told each listed tool with a plain name: whether to admit it (catalogue change control), and
   * what to do again when the same text is later answered from the cache (remembering what was listed).
   */
  admit?: (name: string, tool: unknown) => { admitted: boolean; again?: () => void };
}

function freshness(ttlMs: unknown): number {
  return typeof ttlMs === "number" && Number.isInteger(ttlMs) && ttlMs >= 0 ? ttlMs : 0;
}

function filterMessage(message: Message, { acl, caller, privateCache, admit }: ListJudgement, again: Array<() => void>): Message {
  if (!holdsToolsList(message)) return message;
  const results = loosely(message, "result");
  const only = results[0]!;
  if (results.length !== 1 || !only.exact || "error" in message) throw refuse("a tools/list result under a loose spelling, or beside an error");
  const body = only.value as Message;
  const lists = loosely(body, "tools");
  if (lists.length !== 1 || !lists[0]!.exact || !Array.isArray(body.tools)) throw refuse("tools under a loose spelling, or not an array");
  const tools = body.tools.filter((tool) => {
    const name = (tool as { name?: unknown } | null)?.name;
    if (typeof name !== "string" || !TOOL_NAME_PATTERN.test(name)) return false;
    if (admit) {
      const verdict = admit(name, tool);
      if (verdict.again) again.push(verdict.again);
      if (!verdict.admitted) return false;
    }
    return decideToolAccess(acl, name, caller).allowed;
  });
  const result = privateCache ? { ...body, tools, ttlMs: freshness(body.ttlMs), cacheScope: "private" } : { ...body, tools };
  return { jsonrpc: message.jsonrpc, id: message.id, result };
}

/**
 * The value with every tools/list result filtered: a message, or a batch of
 * messages. Anything else is returned as it is.
 */
export function filterToolsList(value: unknown, judgement: ListJudgement, again: Array<() => void> = []): unknown {
  if (Array.isArray(value)) return value.map((m: unknown) => (isObject(m) ? filterMessage(m, judgement, again) : m));
  return isObject(value) ? filterMessage(value, judgement, again) : value;
}

/**
 * The text to send on for one JSON body or SSE event's data: undefined to send
 * the upstream's text untouched (it cannot name a tools list), else the judged
 * value re-serialised.
 */
export function judgeToolsListText(text: string, judgement: ListJudgement): string | undefined {
  const { acl, caller, mustParse, privateCache } = judgement;
  // Empty (an SSE priming event, a bodiless answer) or not naming tools: nothing to judge.
  if (text.trim() === "" || (!mustParse && !MAY_NAME_TOOLS.test(text))) return undefined;
  const key = text.length <= MAX_CACHED_TEXT ? `${caller.username}\u0000${caller.groups.join("\u0001")}\u0000${mustParse ? 1 : 0}${privateCache ? 1 : 0}${text}` : undefined;
  let cache = judged.get(acl);
  if (!cache) judged.set(acl, (cache = new Map<string, JudgedText>()));
  let entry = key === undefined ? undefined : cache.get(key);
  if (entry) for (const redo of entry.again) redo();
  else {
    const again: Array<() => void> = [];
    let outcome: string | GatewayError;
    try {
      outcome = judge(text, judgement, again);
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      outcome = error;
    }
    entry = { outcome, again };
    if (key !== undefined) {
      if (cache.size >= CACHED_TEXTS_PER_ACL) cache.delete(cache.keys().next().value!);
      cache.set(key, entry);
    }
  }
  if (entry.outcome instanceof GatewayError) throw entry.outcome;
  return entry.outcome;
}

function judge(text: string, judgement: ListJudgement, again: Array<() => void>): string {
  let value: unknown;
  try {
    value = JSON.parse(text.startsWith(BOM) ? text.slice(1) : text);
  } catch {
    throw refuse("not JSON");
  }
  // Judged before anything walks or re-serialises it (JSON.stringify recurses).
  const problem = findShapeProblem(value);
  if (problem?.kind === "too_deep") throw refuse("nested too deep to check");
  const filtered = filterToolsList(value, judgement, again);
  if (problem && containsList(value)) throw refuse(`keys ${problem.keys.join(" and ")} fold together`);
  return JSON.stringify(filtered);
}

function containsList(value: unknown): boolean {
  return Array.isArray(value) ? value.some((m) => isObject(m) && holdsToolsList(m)) : isObject(value) && holdsToolsList(value);
}

// Upstreams answer tools/list with the same text again and again; parsing and
// re-serialising it dominates the cost of a list. Remember the outcome per
// ACL (a new config brings new ACL objects), caller and exact upstream text.
const CACHED_TEXTS_PER_ACL = 32;
const MAX_CACHED_TEXT = 256 * 1024;
type JudgedText = { outcome: string | GatewayError; again: Array<() => void> };
const judged = new WeakMap<CompiledAcl, Map<string, JudgedText>>();
