import { describe, expect, it } from "vitest";
import { compileSecretMasker } from "../../../lib/core/redaction/secret-masker";
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
