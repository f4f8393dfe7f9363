import { describe, expect, it } from "vitest";
import { headerLines, headerLinesError } from "./header-lines";

describe("headerLines", () => {
  it.each([
    ["", {}],
    ["Authorization: Bearer {vault://portcullis/otlp-token}", { Authorization: "Bearer {vault://portcullis/otlp-token}" }],
    ["x-scope: a\n\n  dd-api-key :  k1  \n", { "x-scope": "a", "dd-api-key": "k1" }],
    ["x-url: https://a.example:8443/p", { "x-url": "https://a.example:8443/p" }],
    ["no-colon", { "no-colon": "" }],
    ["x-a: 1\r\nx-b: 2", { "x-a": "1", "x-b": "2" }],
  ])("%j", (text, headers) => {
    expect(headerLines(text)).toEqual(headers);
  });
});

describe("headerLinesError", () => {
  it.each([
    [{}, undefined],
    [{ headers: "at most 20 headers" }, "at most 20 headers"],
    [{ "headers.x-a": "enter a value" }, "x-a: enter a value"],
    [{ url: "enter an http:// or https:// URL" }, undefined],
  ])("%j", (fields, message) => {
    expect(headerLinesError(fields, "headers")).toBe(message);
  });
});
