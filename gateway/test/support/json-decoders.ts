// What mainstream JSON-RPC servers (and clients) would read in the same bytes.
// Each decoder is a function from raw bytes to the method, id, tool name and
// arguments of every message, or a refusal to parse. The gateway holds only if
// all of them agree with it on whatever it forwards (issue 12).
//
// Go's encoding/json, decoding into a struct, matches a key to a field by
// exact name first and otherwise by folded name — decode.go, (*decodeState).object:
//     f := fields.byExactName[string(key)]
//     if f == nil { f = fields.byFoldedName[string(foldName(key))] }
// and fold.go's foldName makes foldName(x) == foldName(y) equivalent to
// strings.EqualFold(x, y): ASCII case plus Unicode simple case folding orbits
// (`ſ` U+017F ~ `s`, KELVIN SIGN U+212A ~ `k`). The exact-name preference only
// picks between two *fields* that fold alike; every key that reaches a field
// sets it, so with one `name` field the LAST of `name`/`Name`/`NAME` in the
// object wins, exact or not. Depth is capped at 10,000 (scanner.go
// maxNestingDepth), invalid UTF-8 and lone surrogates decode to U+FFFD.
import { JsonObject, JsonSyntaxError, parseJsonTree, type JsonNode } from "./json-tree";

export interface DecodedMessage {
  /** Strings as decoded; any other JSON value as canonical JSON text; undefined when absent. */
  method: unknown;
  id: { present: false } | { present: true; value: unknown };
  tool: unknown;
  /** Canonical JSON text (keys sorted), or undefined when absent. */
  arguments: string | undefined;
  /** `result.tools[].name`, as a client reading a tools/list result sees them. */
  toolsListed: unknown[];
}

export type Decoding = { ok: true; batch: boolean; messages: DecodedMessage[]; root: JsonNode } | { ok: false; reason: string };

export interface JsonDecoder {
  name: string;
  decode(raw: Buffer | string): Decoding;
}

interface Profile {
  name: string;
  keys: "exact" | "go-fold";
  duplicates: "last" | "first" | "error";
  skipBom: boolean;
  maxDepth?: number;
  /** Typed decoders (Go, serde) read `"id": null` as no id and refuse a non-string method or name. */
  typed: boolean;
  /** Go decodes lone surrogates (and invalid UTF-8) to U+FFFD. */
  wellFormed: boolean;
}

class Refusal extends Error {}

const FIELDS = ["jsonrpc", "id", "method", "params", "name", "arguments", "result", "tools"] as const;
type Field = (typeof FIELDS)[number];
// With the `u` and `i` flags a RegExp compares by Unicode simple case folding (ECMA-262 Canonicalize), Go's orbits.
const FOLDS = Object.fromEntries(FIELDS.map((f) => [f, new RegExp(`^${f}$`, "iu")])) as Record<Field, RegExp>;

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

function pick(node: JsonNode | undefined, field: Field, p: Profile): { present: boolean; value?: JsonNode } {
  if (!(node instanceof JsonObject)) return { present: false };
  const matches = node.members.filter(([key]) => (p.keys === "exact" ? key === field : FOLDS[field].test(key)));
  if (matches.length === 0) return { present: false };
  if (p.duplicates === "error" && matches.length > 1) throw new Refusal(`duplicate field \`${field}\``);
  return { present: true, value: (p.duplicates === "first" ? matches[0] : matches.at(-1))![1] };
}

/** The members a map (not a struct) ends up with: exact keys, duplicates resolved by the profile. */
function mapMembers(node: JsonObject, p: Profile): [string, JsonNode][] {
  const seen = new Map<string, JsonNode>();
  for (const [key, value] of node.members) if (p.duplicates !== "first" || !seen.has(key)) seen.set(key, value);
  return [...seen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const text = (s: string, p: Profile) => (p.wellFormed ? s.replace(LONE_SURROGATE, "\ufffd") : s);

/** Canonical JSON text of a value as the profile reads it, without recursion. */
function canonical(root: JsonNode, p: Profile): string {
  const out: string[] = [];
  const todo: (JsonNode | { literal: string })[] = [root];
  while (todo.length) {
    const node = todo.pop()!;
    if (node instanceof JsonObject) {
      const members = mapMembers(node, p);
      todo.push({ literal: "}" });
      for (let k = members.length - 1; k >= 0; k--) {
        todo.push(members[k]![1], { literal: `${k ? "," : ""}${JSON.stringify(text(members[k]![0], p))}:` });
      }
      out.push("{");
    } else if (Array.isArray(node)) {
      todo.push({ literal: "]" });
      for (let k = node.length - 1; k >= 0; k--) todo.push(node[k]!, { literal: k ? "," : "" });
      out.push("[");
    } else if (node !== null && typeof node === "object") out.push(node.literal);
    else out.push(JSON.stringify(typeof node === "string" ? text(node, p) : node));
  }
  return out.join("");
}

function scalar(node: JsonNode | undefined, p: Profile): unknown {
  if (node === undefined) return undefined;
  if (typeof node === "string") return text(node, p);
  return node !== null && typeof node === "object" ? canonical(node, p) : node;
}

function checkString(field: string, slot: { present: boolean; value?: JsonNode }, p: Profile) {
  if (p.typed && slot.present && slot.value !== null && typeof slot.value !== "string") throw new Refusal(`${field}: expected a string`);
}

function extract(node: JsonNode, p: Profile): DecodedMessage {
  const method = pick(node, "method", p);
  const id = pick(node, "id", p);
  const params = pick(node, "params", p);
  const name = pick(params.value, "name", p);
  const args = pick(params.value, "arguments", p);
  checkString("method", method, p);
  checkString("params.name", name, p);
  const tools = pick(pick(node, "result", p).value, "tools", p).value;
  const idPresent = id.present && !(p.typed && id.value === null);
  return {
    method: scalar(method.value, p),
    id: idPresent ? { present: true, value: scalar(id.value, p) } : { present: false },
    tool: scalar(name.value, p),
    arguments: args.present ? canonical(args.value!, p) : undefined,
    toolsListed: Array.isArray(tools) ? tools.map((tool) => scalar(pick(tool, "name", p).value, p)) : [],
  };
}

function decoderFor(p: Profile): JsonDecoder {
  return {
    name: p.name,
    decode(raw) {
      let source = typeof raw === "string" ? raw : utf8.decode(raw);
      if (p.skipBom && source.startsWith("\ufeff")) source = source.slice(1);
      try {
        const root = parseJsonTree(source, { maxDepth: p.maxDepth });
        const messages = Array.isArray(root) ? root.map((m) => extract(m, p)) : [extract(root, p)];
        return { ok: true, batch: Array.isArray(root), messages, root };
      } catch (error) {
        if (error instanceof JsonSyntaxError || error instanceof Refusal) return { ok: false, reason: error.message };
        throw error;
      }
    },
  };
}

const base = { skipBom: false, typed: false, wellFormed: false } as const;

/** JSON.parse, Python's json, Jackson's default: exact keys, the last duplicate wins. */
export const exactLastWins = decoderFor({ ...base, name: "exact keys, last duplicate wins", keys: "exact", duplicates: "last" });
/** Jackson with first-wins handling, Go's buger/jsonparser, hand-written scanners that stop at the first match. */
export const exactFirstWins = decoderFor({ ...base, name: "exact keys, first duplicate wins", keys: "exact", duplicates: "first" });
/** serde_json into a #[derive(Deserialize)] struct: a repeated field is an error; recursion limit 128. */
export const exactDuplicateError = decoderFor({ ...base, name: "exact keys, duplicate field is an error (serde)", keys: "exact", duplicates: "error", maxDepth: 128, typed: true });
/** Go's encoding/json into a struct (see the top of this file). */
export const goEncodingJson = decoderFor({
  ...base,
  name: "Go encoding/json (folded keys, last wins)",
  keys: "go-fold",
  duplicates: "last",
  maxDepth: 10_000,
  typed: true,
  wellFormed: true,
});
/** Python's json.loads on bytes: a leading UTF-8 BOM is skipped (utf-8-sig), otherwise as JSON.parse. */
export const bomTolerant = decoderFor({ ...base, name: "exact keys, last wins, leading BOM skipped", keys: "exact", duplicates: "last", skipBom: true });

export const DECODERS: readonly JsonDecoder[] = [exactLastWins, exactFirstWins, exactDuplicateError, goEncodingJson, bomTolerant];

/**
 * What a decoding means for a server: per message, method and id, and for a
 * tools/call the tool and its arguments (other methods' params the gateway
 * does not decide on, so they may read differently without harm).
 */
export function meaning(decoded: Decoding): string {
  if (!decoded.ok) return `refused (${decoded.reason})`;
  return JSON.stringify(decoded.messages.map((m) => (m.method === "tools/call" ? [m.method, m.id, m.tool, m.arguments] : [m.method, m.id])));
}

/**
 * The decoders that read `raw` differently from JSON.parse (the gateway's own
 * reading), each with what it read. A decoder that refuses the bytes runs
 * nothing and so does not count as reading them differently.
 */
export function disagreements(raw: Buffer | string): string[] {
  const gateway = meaning(exactLastWins.decode(raw));
  const out: string[] = [];
  for (const decoder of DECODERS) {
    const decoded = decoder.decode(raw);
    if (decoded.ok && meaning(decoded) !== gateway) out.push(`${decoder.name}: ${meaning(decoded)} (gateway: ${gateway})`);
  }
  return out;
}
