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
  // Empty (an SSE priming event, a bodiless answer) or not naming tools: nothing to judge.
  if (text.trim() === "" || (!judgement.mustParse && !MAY_NAME_TOOLS.test(text))) return undefined;
  const cache = cacheOf(judgement);
  const cached = text.length <= MAX_CACHED_TEXT ? cache.caller.texts.get(text) : undefined;
  if (cached) return replay(cached).outcome;
  const entry = judgeOnce(text, judgement);
  // The key is the upstream's text itself: it counts as much as the judged text kept.
  if (text.length <= MAX_CACHED_TEXT) remember(cache, cache.caller.texts, text, entry, text.length + (typeof entry.outcome === "string" ? entry.outcome.length : 0));
  return settle(entry).outcome;
}

/**
 * The bytes to send for a whole JSON body: the upstream's own bytes when they
 * cannot name a tools list, else the judged value re-serialised. A body the
 * caller was already answered with is recognised by its bytes, so a repeated
 * list costs a comparison, not a decode, a parse and an encode.
 */
export function judgeToolsListBody(raw: Buffer, judgement: ListJudgement, server: string): Buffer {
  const cache = cacheOf(judgement);
  const key = raw.length <= MAX_CACHED_TEXT ? bodyFingerprint(raw) : undefined;
  const cached = key === undefined ? undefined : cache.caller.bodies.get(key);
  if (cached?.raw.equals(raw)) return replay(cached).bytes;
  const text = raw.toString("utf8");
  // An empty 200 is no answer to a tools/list either: the client gets a clear error, not silence.
  if (judgement.mustParse && text.trim() === "") throw new GatewayError("upstream_invalid", `Server '${server}' sent an empty answer`, "empty JSON body");
  const judged = text.trim() === "" || (!judgement.mustParse && !MAY_NAME_TOOLS.test(text)) ? { outcome: undefined, again: [] } : judgeOnce(text, judgement);
  const entry: JudgedBody = { ...judged, raw, bytes: typeof judged.outcome === "string" ? Buffer.from(judged.outcome) : raw };
  if (key !== undefined) remember(cache, cache.caller.bodies, key, entry, raw.length + (entry.bytes === raw ? 0 : entry.bytes.length));
  return settle(entry).bytes;
}

function judgeOnce(text: string, judgement: ListJudgement): JudgedText {
  const again: Array<() => void> = [];
  try {
    return { outcome: judge(text, judgement, again), again };
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    return { outcome: error, again };
  }
}

/** A cached outcome answered again: what the first judgement remembered is remembered again. */
function replay<T extends JudgedText>(entry: T): T & { outcome: string | undefined } {
  for (const redo of entry.again) redo();
  return settle(entry);
}

function settle<T extends JudgedText>(entry: T): T & { outcome: string | undefined } {
  if (entry.outcome instanceof GatewayError) throw entry.outcome;
  return entry as T & { outcome: string | undefined };
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
// ACL (a new config brings new ACL objects), caller and exact upstream text —
// two levels, so the long text is never copied into a composite key — within
// a budget of bytes per ACL (the callers judged longest ago are forgotten first).
const CACHED_TEXTS_PER_CALLER = 32;
const MAX_CACHED_TEXT = 256 * 1024;
const CACHE_BYTES_PER_ACL = 32 * 1024 * 1024;
type JudgedText = { outcome: string | undefined | GatewayError; again: Array<() => void>; size?: number };
type JudgedBody = JudgedText & { raw: Buffer; bytes: Buffer };
interface CallerCache {
  texts: Map<string, JudgedText>;
  /** Whole JSON bodies by a fingerprint of their bytes; a hit is confirmed by comparing all of them. */
  bodies: Map<string, JudgedBody>;
  bytes: number;
}
interface AclCache {
  callers: Map<string, CallerCache>;
  bytes: number;
}
const judged = new WeakMap<CompiledAcl, AclCache>();

function cacheOf({ acl, caller, mustParse, privateCache }: ListJudgement): { acl: AclCache; caller: CallerCache } {
  let forAcl = judged.get(acl);
  if (!forAcl) judged.set(acl, (forAcl = { callers: new Map(), bytes: 0 }));
  const key = `${caller.username}\u0000${caller.groups.join("\u0001")}\u0000${mustParse ? 1 : 0}${privateCache ? 1 : 0}`;
  let forCaller = forAcl.callers.get(key);
  if (!forCaller) forAcl.callers.set(key, (forCaller = { texts: new Map(), bodies: new Map(), bytes: 0 }));
  return { acl: forAcl, caller: forCaller };
}

/** Keeps `value` (which holds about `size` bytes) under `key`, within the caller's count and the ACL's byte budget. */
function remember<K, V extends JudgedText>(cache: { acl: AclCache; caller: CallerCache }, entries: Map<K, V>, key: K, value: V, size: number) {
  if (entries.size >= CACHED_TEXTS_PER_CALLER) {
    const [oldKey, old] = entries.entries().next().value!;
    entries.delete(oldKey);
    cache.caller.bytes -= old.size!;
    cache.acl.bytes -= old.size!;
  }
  value.size = size;
  entries.set(key, value);
  cache.caller.bytes += size;
  cache.acl.bytes += size;
  for (const [name, forCaller] of cache.acl.callers) {
    if (cache.acl.bytes <= CACHE_BYTES_PER_ACL || forCaller === cache.caller) break;
    cache.acl.callers.delete(name);
    cache.acl.bytes -= forCaller.bytes;
  }
}

/** Length and both ends of a body (where a JSON-RPC answer's id and its last tools differ). */
function bodyFingerprint(raw: Buffer): string {
  const edge = Math.min(64, raw.length);
  return `${raw.length}\u0000${raw.toString("latin1", 0, edge)}\u0000${raw.toString("latin1", raw.length - edge)}`;
}
