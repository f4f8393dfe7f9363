import { describe, expect, it } from "vitest";
import { ARGUMENT_PATH_PATTERN } from "../config/schema";
import { compileArgumentPath, hashArgument, redactArguments } from "./argument-redaction";

describe("redactArguments", () => {
  const args = { owner: "acme", content: "secret", files: [{ path: "a", content: "one" }, { path: "b" }, "loose"], nested: { deep: { value: 1 } } };

  it.each([
    ["args.content", { ...args, content: hashArgument("secret") }],
    ["args.files[*].content", { ...args, files: [{ path: "a", content: hashArgument("one") }, { path: "b" }, "loose"] }],
    ["args.nested.deep", { ...args, nested: { deep: hashArgument({ value: 1 }) } }],
    ["args.missing.field", args],
    ["args.owner[*]", args],
  ])("%s", (path, expected) => {
    expect(redactArguments(args, [compileArgumentPath(path)])).toEqual(expected);
  });

  it("never changes the arguments it is given (the upstream gets them as sent)", () => {
    const copy = structuredClone(args);
    redactArguments(args, [compileArgumentPath("args.content"), compileArgumentPath("args.files[*].content")]);
    expect(args).toEqual(copy);
  });

  it.each([
    ["args.content", true],
    ["args.files[*].content", true],
    ["content", false],
    ["args", false],
    ["args.files[0]", false],
    ["args..x", false],
  ])("path %s valid: %s", (path, valid) => {
    expect(ARGUMENT_PATH_PATTERN.test(path)).toBe(valid);
  });
});
