// A JSON parser that keeps what JSON.parse throws away: every member of an
// object, duplicates included, in the order written. The decoder emulations
// (json-decoders.ts) choose among duplicates as the decoder they stand for
// would. Iterative, so 30,000 nested arrays are data, not a stack overflow;
// strict RFC 8259 otherwise (no BOM, no comments, no trailing commas).

export type JsonNode = null | boolean | number | string | JsonNode[] | JsonObject;

export class JsonObject {
  constructor(readonly members: [string, JsonNode][]) {}
}

export class JsonSyntaxError extends Error {}

type Frame = { items: JsonNode[] } | { members: [string, JsonNode][]; key: string };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

export interface ParseOptions {
  /** Deepest nesting accepted (serde_json stops at 128, Go's encoding/json at 10,000). */
  maxDepth?: number;
}

export function parseJsonTree(text: string, options: ParseOptions = {}): JsonNode {
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  let i = 0;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at offset ${i}`);
  };
  const skipSpace = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      i++;
    }
  };
  const readString = (): string => {
    if (text[i] !== '"') fail("expected a string");
    i++;
    let out = "";
    let start = i;
    for (;;) {
      if (i >= text.length) fail("unterminated string");
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail("control character in string");
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const e = text[i + 1];
      if (e === "u") {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape");
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else {
        const decoded = e === undefined ? undefined : ESCAPES[e];
        if (decoded === undefined) fail("bad escape");
        out += decoded;
        i += 2;
      }
      start = i;
    }
    out += text.slice(start, i);
    i++;
    return out;
  };
  const readKey = (): string => {
    skipSpace();
    const key = readString();
    skipSpace();
    if (text[i] !== ":") fail("expected ':'");
    i++;
    return key;
  };
  const readScalar = (): JsonNode => {
    const c = text[i];
    if (c === '"') return readString();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (!match || match[0] === "" || match[0] === "-") return fail("unexpected character");
    i += match[0].length;
    return Number(match[0]);
  };

  const stack: Frame[] = [];
  for (;;) {
    skipSpace();
    let value: JsonNode;
    if (text[i] === "{" || text[i] === "[") {
      if (stack.length + 1 > maxDepth) fail("nesting too deep");
      const open = text[i++];
      skipSpace();
      if (open === "{" && text[i] === "}") {
        i++;
        value = new JsonObject([]);
      } else if (open === "[" && text[i] === "]") {
        i++;
        value = [];
      } else {
        stack.push(open === "{" ? { members: [], key: readKey() } : { items: [] });
        continue;
      }
    } else value = readScalar();
    // Attach the finished value to its container, closing containers as they end.
    for (;;) {
      const top = stack.at(-1);
      if (!top) {
        skipSpace();
        if (i !== text.length) fail("text after the value");
        return value;
      }
      if ("items" in top) top.items.push(value);
      else top.members.push([top.key, value]);
      skipSpace();
      if (text[i] === ",") {
        i++;
        if (!("items" in top)) top.key = readKey();
        break;
      }
      if (text[i] !== ("items" in top ? "]" : "}")) fail("expected ',' or the container's end");
      i++;
      stack.pop();
      value = "items" in top ? top.items : new JsonObject(top.members);
    }
  }
}

/** Every string in the tree, keys included, without recursion. */
export function stringsIn(root: JsonNode): string[] {
  const out: string[] = [];
  const todo: JsonNode[] = [root];
  while (todo.length) {
    const node = todo.pop()!;
    if (typeof node === "string") out.push(node);
    else if (Array.isArray(node)) for (const item of node) todo.push(item);
    else if (node instanceof JsonObject) {
      for (const [key, value] of node.members) {
        out.push(key);
        todo.push(value);
      }
    }
  }
  return out;
}
