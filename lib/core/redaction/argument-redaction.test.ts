import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ARGUMENT_PATH_PATTERN } from "../config/schema";
import { ArgumentHasher, compileArgumentPath, redactArguments } from "./argument-redaction";

const hasher = new ArgumentHasher(Buffer.alloc(32, 7));
const hashArgument = (value: unknown) => hasher.hash(value);

describe("ArgumentHasher", () => {
  it("keeps the display format, but is keyed: a short value is not found by hashing every candidate", () => {
    const unkeyed = `sha256:${createHash("sha256").update(JSON.stringify("1234")).digest("hex").slice(0, 16)}`;
    expect(hasher.hash("1234")).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(hasher.hash("1234")).not.toBe(unkeyed);
    expect(hasher.hash("1234")).not.toBe(`sha256:${createHash("sha256").update("1234").digest("hex").slice(0, 16)}`);
  });

  it("is stable under one master key (every gateway of an installation) and differs under another", () => {
    expect(new ArgumentHasher(Buffer.alloc(32, 7)).hash("1234")).toBe(hasher.hash("1234"));
    expect(new ArgumentHasher(Buffer.alloc(32, 8)).hash("1234")).not.toBe(hasher.hash("1234"));
    expect(hasher.hash("1235")).not.toBe(hasher.hash("1234"));
    // The value's JSON is hashed: the string "1234" and the number 1234 differ.
    expect(hasher.hash(1234)).not.toBe(hasher.hash("1234"));
  });
});

describe("redactArguments", () => {
  const args = { owner: "acme", content: "secret", files: [{ path: "a", content: "one" }, { path: "b" }, "loose"], nested: { deep: { value: 1 } } };

  it.each([
    ["args.content", { ...args, content: hashArgument("secret") }],
    ["args.files[*].content", { ...args, files: [{ path: "a", content: hashArgument("one") }, { path: "b" }, "loose"] }],
    ["args.nested.deep", { ...args, nested: { deep: hashArgument({ value: 1 }) } }],
    ["args.missing.field", args],
    ["args.owner[*]", args],
  ])("%s", (path, expected) => {
    expect(redactArguments(args, [compileArgumentPath(path)], hasher)).toEqual(expected);
  });

  it("never changes the arguments it is given (the upstream gets them as sent)", () => {
    const copy = structuredClone(args);
    redactArguments(args, [compileArgumentPath("args.content"), compileArgumentPath("args.files[*].content")], hasher);
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
