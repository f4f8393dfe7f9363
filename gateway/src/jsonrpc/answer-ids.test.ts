import { describe, expect, it } from "vitest";
import { AnswerIdCheck, checkAnswer } from "./answer-ids";
import { SseRelay } from "../transport/sse";

const ids = new Set<string | number>([2, "abc"]);
const passes = (text: string) => expect(() => checkAnswer(text, ids), text).not.toThrow();
const refused = (text: string) => expect(() => checkAnswer(text, ids), text).toThrow(/not sent with this one/);

describe("responses in a POST's answer", () => {
  it("pass when they answer the POST's requests, as do requests and notifications from the upstream", () => {
    passes('{"jsonrpc":"2.0","id":2,"result":{}}');
    passes('\uFEFF {"jsonrpc":"2.0","id":2.0,"result":{"id":7,"x":"}\\"{[","y":[{"id":9,"result":1}]}}\n');
    passes('[{"jsonrpc":"2.0","id":"abc","error":{"code":1}},{"jsonrpc":"2.0","id":2,"result":{}}]');
    passes('{"jsonrpc":"2.0","id":77,"method":"sampling/createMessage","params":{}}');
    passes('{"jsonrpc":"2.0","method":"notifications/progress","params":{"id":5}}');
    passes('{"jsonrpc":"2.0","id":null,"error":{"code":-32700}}');
    passes("");
  });

  it("are refused when any reading of their id is not a request of the POST", () => {
    refused('{"jsonrpc":"2.0","id":"2","result":{}}'); // 2 is not "2"
    refused('{"jsonrpc":"2.0","id":3,"result":{}}');
    refused('[{"jsonrpc":"2.0","id":2,"result":{}},{"jsonrpc":"2.0","id":1,"result":{"tools":[]}}]');
    refused('{"jsonrpc":"2.0","id":2,"id":1,"result":{}}'); // last wins
    refused('{"jsonrpc":"2.0","id":1,"id":2,"result":{}}'); // first wins
    refused('{"jsonrpc":"2.0","id":2,"ID":1,"result":{}}'); // case-insensitive decoders
    refused('{"jsonrpc":"2.0","\\u0069d":1,"result":{}}');
    refused('{"jsonrpc":"2.0","id":1,"re\\u017fult":{}}'); // reſult: Go folds ſ to s
    refused('{"jsonrpc":"2.0","id":1,"method":"x","result":{}}');
    refused('{"jsonrpc":"2.0","result":{}}');
    refused('{"jsonrpc":"2.0","id":null,"result":{}}');
    refused('{"jsonrpc":"2.0","id":{"a":2},"result":{}}');
    refused('{"jsonrpc":"2.0","id":2,"result":{}} {"jsonrpc":"2.0","id":1,"result":{}}');
  });

  it("is found at the same byte however the answer is cut into pieces, before the message completes", () => {
    const text = Buffer.from('[{"jsonrpc":"2.0","id":2,"result":{"s":"a\\"}"}},{"jsonrpc":"2.0","result":{"tools":[]},"id":1}]');
    const whole = new AnswerIdCheck(ids).feed(text);
    expect(text.subarray(0, whole).toString()).not.toMatch(/"id":1}/);
    for (let size = 1; size < 8; size++) {
      const check = new AnswerIdCheck(ids);
      let at = -1;
      for (let i = 0; i < text.length && at === -1; i += size) {
        const cut = check.feed(text.subarray(i, i + size));
        if (cut !== -1) at = i + cut;
      }
      expect(at).toBe(whole);
    }
  });

  it("on an SSE stream that is not held: events are checked as they pass, data lines joined, and the stream fails closed", async () => {
    const relay = new SseRelay({ maxEventBytes: 1024, keepAliveMs: 60_000, check: () => new AnswerIdCheck(ids) });
    const out: string[] = [];
    relay.on("data", (c: Buffer | string) => out.push(String(c)));
    const ended = new Promise((resolve) => relay.on("end", resolve));
    const stream =
      'event: message\r\ndata: {"jsonrpc":"2.0","id":2,\r\ndata: "result":{}}\r\n\r\n: note\n\uFEFFdata:{"jsonrpc":"2.0",\ndata:"id":1,"result":{"tools":[]}}\n\ndata: {"jsonrpc":"2.0","id":2,"result":{}}\n\n';
    for (const c of stream) relay.write(Buffer.from(c));
    relay.end();
    await ended;
    const text = out.join("");
    expect(text.startsWith('event: message\r\ndata: {"jsonrpc":"2.0","id":2,\r\ndata: "result":{}}\r\n\r\n')).toBe(true);
    expect(text).not.toContain('"tools":[]}}');
    expect(text).toMatch(/"id":null,"error":\{"code":-32603.*"reason":"upstream_invalid"/);
  });
});

describe("ids a decoder could read otherwise", () => {
  it("refuses a BOM's bytes inside an id and an integer id past 2^53 (it reads as its neighbour's double)", () => {
    const inside = Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":2'), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('3,"result":{}}')]);
    expect(() => checkAnswer(inside, ids)).toThrow(/not sent with this one/);
    expect(() => checkAnswer(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"jsonrpc":"2.0","id":2,"result":{}}')]), ids)).not.toThrow();
    const big = new Set<string | number>([9007199254740992]);
    expect(() => checkAnswer('{"jsonrpc":"2.0","id":9007199254740993,"result":{}}', big)).toThrow(/not sent with this one/);
    expect(() => checkAnswer('{"jsonrpc":"2.0","id":9007199254740991,"result":{}}', new Set([9007199254740991]))).not.toThrow();
  });
});

describe("an SSE stream checked in whole chunks", () => {
  it("finds every line's end within a chunk: short data lines, a long comment, then a response to another request", async () => {
    const relay = new SseRelay({ maxEventBytes: 1 << 20, keepAliveMs: 60_000, check: () => new AnswerIdCheck(ids) });
    const out: string[] = [];
    relay.on("data", (c: Buffer | string) => out.push(String(c)));
    const ended = new Promise((resolve) => relay.on("end", resolve));
    const progress = 'data: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}}\n\n'.repeat(500);
    const stream = `${progress}: ${"c".repeat(200_000)}\r\ndata: {"jsonrpc":"2.0","id":2,"result":{}}\r\n\r\ndata: {"jsonrpc":"2.0","id":9,"result":{"tools":[]}}\n\n`;
    relay.write(Buffer.from(stream));
    relay.end();
    await ended;
    const text = out.join("");
    expect(text.startsWith(`${progress}: `)).toBe(true);
    expect(text).toContain('"id":2,"result":{}}\r\n\r\n');
    expect(text).not.toContain('"tools":[]}}');
    expect(text).toMatch(/"reason":"upstream_invalid"/);
  });
});

describe("an answer checked again (the tools/list filter hands out the same bytes)", () => {
  it("is judged against each POST's own ids, not the first one's", () => {
    const answer = Buffer.from('{"jsonrpc":"2.0","id":7,"result":{"tools":[]}}');
    expect(() => checkAnswer(answer, new Set([7]), true)).not.toThrow();
    expect(() => checkAnswer(answer, new Set([8]), true)).toThrow(/not sent with this one/);
    expect(() => checkAnswer(answer, new Set(["7"]), true)).toThrow(/not sent with this one/);
    expect(() => checkAnswer(answer, new Set([7]), true)).not.toThrow();
    const broken = Buffer.from('{"jsonrpc":"2.0","id":7,"result":{}} {"id":7}');
    for (let i = 0; i < 2; i++) expect(() => checkAnswer(broken, new Set([7]), true)).toThrow(/not sent with this one/);
  });
});
