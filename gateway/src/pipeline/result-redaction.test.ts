import { describe, expect, it } from "vitest";
import { compileSecretMasker } from "../../../lib/core/redaction/secret-masker";
import { SseRelay } from "../transport/sse";
import { maskResultText } from "./result-redaction";

const masker = compileSecretMasker([]);
const token = `ghp_${"a".repeat(36)}`;

describe("maskResultText", () => {
  it.each([
    [
      "a result",
      { jsonrpc: "2.0", id: 1, result: { content: [{ type: "text", text: `t ${token}` }] } },
      { jsonrpc: "2.0", id: 1, result: { content: [{ type: "text", text: "t [redacted:github]" }] } },
    ],
    ["an error", { jsonrpc: "2.0", id: 1, error: { code: 1, message: token } }, { jsonrpc: "2.0", id: 1, error: { code: 1, message: "[redacted:github]" } }],
    ["a batch", [{ jsonrpc: "2.0", id: 1, result: { a: [token, { b: token }] } }], [{ jsonrpc: "2.0", id: 1, result: { a: ["[redacted:github]", { b: "[redacted:github]" }] } }]],
  ])("masks the string leaves of %s", (_, message, expected) => {
    const masked = maskResultText(JSON.stringify(message), masker);
    expect(JSON.parse(masked.text!)).toEqual(expected);
    expect(masked.count).toBe(JSON.stringify(message).split(token).length - 1);
  });

  it("decides on the parsed value: a token written with JSON escapes is masked", () => {
    const text = `{"jsonrpc":"2.0","id":1,"result":{"t":"\\u0067hp_${"a".repeat(36)}"}}`;
    expect(maskResultText(text, masker)).toEqual({ text: '{"jsonrpc":"2.0","id":1,"result":{"t":"[redacted:github]"}}', count: 1 });
  });

  it("leaves ids and methods alone, and passes text without credentials untouched", () => {
    expect(maskResultText(JSON.stringify({ jsonrpc: "2.0", id: token, method: "x" }), masker)).toEqual({ text: undefined, count: 0 });
    expect(maskResultText('{"jsonrpc":"2.0","id":1,"result":{}}', masker)).toEqual({ text: undefined, count: 0 });
  });

  it("fails closed on text that must be scanned and does not parse, or nests too deep", () => {
    expect(() => maskResultText(`not json ${token}`, masker)).toThrow(expect.objectContaining({ code: "upstream_invalid" }));
    expect(() => maskResultText(`${"[".repeat(200)}"\\u0067"${"]".repeat(200)}`, masker)).toThrow(expect.objectContaining({ code: "upstream_invalid" }));
  });
});

describe("masking an SSE stream however it is cut", () => {
  it("masks a token and a private key at every cut of the event into two chunks, and cut into single bytes", async () => {
    const key = "-----BEGIN PRIVATE KEY-----\\nMIIEvQ\\n-----END PRIVATE KEY-----";
    const event = Buffer.from(`id: 4\ndata: {"jsonrpc":"2.0","id":1,"result":{"t":"${token} ü ${key}"}}\n\n`);
    const expected = 'id: 4\ndata: {"jsonrpc":"2.0","id":1,"result":{"t":"[redacted:github] ü [redacted:private_key]"}}\n\n';
    const all = Array.from({ length: event.length - 1 }, (_, i) => [event.subarray(0, i + 1), event.subarray(i + 1)]);
    all.push(Array.from(event, (b) => Buffer.from([b])));
    for (const chunks of all) {
      const relay = new SseRelay({ maxEventBytes: 1 << 20, keepAliveMs: 60_000, rewrite: (data) => maskResultText(data, masker).text });
      const out: Buffer[] = [];
      relay.on("data", (c: Buffer) => out.push(Buffer.from(c)));
      const ended = new Promise((resolve) => relay.on("end", resolve));
      for (const chunk of chunks) relay.write(chunk);
      relay.end();
      await ended;
      expect(Buffer.concat(out).toString("utf8")).toBe(expected);
    }
  });
});
