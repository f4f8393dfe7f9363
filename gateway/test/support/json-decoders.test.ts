// The decoder emulations are evidence for the gateway's tests, so they are
// tested themselves: each spelling from issue 12, as each decoder reads it.
import { describe, expect, it } from "vitest";
import { bomTolerant, DECODERS, disagreements, exactDuplicateError, exactFirstWins, exactLastWins, goEncodingJson, type JsonDecoder } from "./json-decoders";
import { parseJsonTree, stringsIn } from "./json-tree";

const call = (params: string, envelope = '"jsonrpc":"2.0","id":1,"method":"tools/call"') => `{${envelope},"params":{${params}}}`;

function toolOf(decoder: JsonDecoder, raw: string) {
  const decoded = decoder.decode(raw);
  return decoded.ok ? decoded.messages.map((m) => m.tool) : "refused";
}

describe("which tool each decoder reads", () => {
  const S = "search_repositories";
  const P = "push_files";
  it.each([
    // [body, JSON.parse-like, first wins, serde, Go]
    ["the issue's example", call(`"name":"${S}","Name":"${P}","arguments":{}`), [S], [S], [S], [P]],
    ["the fold written first", call(`"Name":"${P}","name":"${S}"`), [S], [S], [S], [S]],
    ["NAME", call(`"name":"${S}","NAME":"${P}"`), [S], [S], [S], [P]],
    ["mixed case, last of three", call(`"name":"${S}","Name":"x","nAme":"${P}"`), [S], [S], [S], [P]],
    ["an exact duplicate", call(`"name":"${S}","name":"${P}"`), [P], [S], "refused", [P]],
    ["an escaped key", call(`"name":"${S}","\\u004eame":"${P}"`), [S], [S], [S], [P]],
    ["Params beside params", `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"${S}"},"Params":{"name":"${P}"}}`, [S], [S], [S], [P]],
    ["paramſ beside params", `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"${S}"},"param\u017f":{"name":"${P}"}}`, [S], [S], [S], [P]],
    ["a batch element with Name", `[${call(`"name":"${S}"`)},${call(`"name":"${S}","Name":"${P}"`)}]`, [S, S], [S, S], [S, S], [S, P]],
  ])("%s", (_what, body, last, first, serde, go) => {
    expect(toolOf(exactLastWins, body)).toEqual(last);
    expect(toolOf(exactFirstWins, body)).toEqual(first);
    expect(toolOf(exactDuplicateError, body)).toEqual(serde);
    expect(toolOf(goEncodingJson, body)).toEqual(go);
  });

  it("folds ſ onto s, as Go's SimpleFold orbits do, but not look-alikes", () => {
    const list = (key: string) => `{"jsonrpc":"2.0","id":1,"result":{"${key}":[{"name":"push_files"}]}}`;
    const listed = (key: string) => (goEncodingJson.decode(list(key)) as { messages: { toolsListed: unknown[] }[] }).messages[0]!.toolsListed;
    expect(listed("tool\u017f")).toEqual(["push_files"]);
    expect(listed("TOOLS")).toEqual(["push_files"]);
    // Cyrillic ѕ (U+0455) only looks like s.
    expect(listed("tool\u0455")).toEqual([]);
    // The mechanism: RegExp with `iu` compares by simple case folding, which puts KELVIN SIGN in k's orbit.
    expect(/^k$/iu.test("\u212A")).toBe(true);
  });
});

describe("methods and ids", () => {
  it.each([
    ["Method beside method", '{"jsonrpc":"2.0","id":1,"method":"ping","Method":"tools/list"}', "ping", "tools/list"],
    ["METHOD beside method", '{"jsonrpc":"2.0","id":1,"method":"ping","METHOD":"tools/list"}', "ping", "tools/list"],
  ])("%s", (_what, body, exact, go) => {
    for (const decoder of [exactLastWins, exactFirstWins, exactDuplicateError])
      expect((decoder.decode(body) as { messages: { method: unknown }[] }).messages[0]!.method).toBe(exact);
    expect((goEncodingJson.decode(body) as { messages: { method: unknown }[] }).messages[0]!.method).toBe(go);
  });

  it("reads ID as the id only under Go, where the exact decoders see a notification", () => {
    const body = '{"jsonrpc":"2.0","ID":7,"method":"tools/call","params":{"name":"push_files"}}';
    expect((exactLastWins.decode(body) as { messages: { id: unknown }[] }).messages[0]!.id).toEqual({ present: false });
    expect((goEncodingJson.decode(body) as { messages: { id: unknown }[] }).messages[0]!.id).toEqual({ present: true, value: 7 });
  });

  it("treats a null id as absent in typed decoders only", () => {
    const body = '{"jsonrpc":"2.0","id":null,"method":"x"}';
    expect((exactLastWins.decode(body) as { messages: { id: unknown }[] }).messages[0]!.id).toEqual({ present: true, value: null });
    expect((goEncodingJson.decode(body) as { messages: { id: unknown }[] }).messages[0]!.id).toEqual({ present: false });
  });

  it("refuses a non-string method in typed decoders", () => {
    expect(goEncodingJson.decode('{"jsonrpc":"2.0","id":1,"method":5}').ok).toBe(false);
    expect(exactLastWins.decode('{"jsonrpc":"2.0","id":1,"method":5}').ok).toBe(true);
  });
});

describe("arguments", () => {
  it("are compared as canonical JSON, with duplicates resolved as the decoder does", () => {
    const body = call('"name":"a","arguments":{"b":1,"a":{"x":1,"x":2}}');
    const args = (d: JsonDecoder) => (d.decode(body) as { messages: { arguments?: string }[] }).messages[0]!.arguments;
    expect(args(exactLastWins)).toBe('{"a":{"x":2},"b":1}');
    expect(args(exactFirstWins)).toBe('{"a":{"x":1},"b":1}');
    expect(args(goEncodingJson)).toBe('{"a":{"x":2},"b":1}');
  });

  it("decode lone surrogates to U+FFFD under Go only", () => {
    const body = call('"name":"a","arguments":{"q":"\\ud800"}');
    expect((goEncodingJson.decode(body) as { messages: { arguments?: string }[] }).messages[0]!.arguments).toBe('{"q":"\ufffd"}');
    expect((exactLastWins.decode(body) as { messages: { arguments?: string }[] }).messages[0]!.arguments).toBe('{"q":"\\ud800"}');
  });
});

describe("bytes", () => {
  it("a leading BOM is refused by strict decoders and skipped by the BOM-tolerant one", () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(call('"name":"a"'))]);
    for (const decoder of DECODERS) expect(decoder.decode(body).ok).toBe(decoder === bomTolerant);
  });

  it("nesting: iterative, with serde's and Go's depth limits", () => {
    const deep = (n: number) => `${"[".repeat(n)}1${"]".repeat(n)}`;
    expect(exactLastWins.decode(deep(30_000)).ok).toBe(true);
    expect(goEncodingJson.decode(deep(10_000)).ok).toBe(true);
    expect(goEncodingJson.decode(deep(10_001)).ok).toBe(false);
    expect(exactDuplicateError.decode(deep(129)).ok).toBe(false);
  });

  it.each([['{"a":1,}'], ["[1 2]"], ['{"a" 1}'], ["01"], ['"\u0001"'], ['"\\x"'], ["{} {}"], [""], ["-"]])("refuses malformed JSON %j as JSON.parse does", (body) => {
    expect(() => JSON.parse(body)).toThrow();
    expect(() => parseJsonTree(body)).toThrow();
  });

  it("parses what JSON.parse parses to the same strings", () => {
    const body = '{"a":[1,-2.5e3,true,false,null,{"b\\u0041":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9"}],"c":{}}';
    expect(stringsIn(parseJsonTree(body)).sort()).toEqual(["a", "bA", '"\\/\b\f\n\r\té', "c"].sort());
  });
});

describe("disagreements", () => {
  it("names the decoders that read forwarded bytes differently, and only where it matters", () => {
    expect(disagreements(call('"name":"a","Name":"b"'))).toEqual([expect.stringMatching(/^Go encoding\/json.*"b".*\(gateway: .*"a"/)]);
    expect(disagreements('{"jsonrpc":"2.0","id":1,"method":"ping","Id":2}')).toHaveLength(1);
    // params of a method the gateway does not decide on may differ.
    expect(disagreements('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"name":"a","NAME":"b"}}')).toEqual([]);
    // A decoder that refuses runs nothing.
    expect(disagreements(call('"name":"a","name":"a"'))).toEqual([]);
  });
});
