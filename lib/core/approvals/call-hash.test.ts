import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { configSchema } from "../config/schema";
import { callHash, CALL_HASH_PATTERN, ruleHash } from "./call-hash";

const base = { server: "github", tool: "merge_pull_request", consumer: "dev-user", arguments: { owner: "acme", repo: "api", pull_number: 7, base: "main" } };

describe("callHash", () => {
  it("is sha256 of the RFC 8785 canonical JSON of server, tool, consumer and arguments", () => {
    const canonical = '{"arguments":{"base":"main","owner":"acme","pull_number":7,"repo":"api"},"consumer":"dev-user","server":"github","tool":"merge_pull_request"}';
    expect(callHash(base)).toBe(`sha256:${createHash("sha256").update(canonical).digest("hex")}`);
    expect(callHash(base)).toMatch(CALL_HASH_PATTERN);
  });

  it("does not depend on key order or number spelling", () => {
    const reordered = { consumer: "dev-user", tool: "merge_pull_request", arguments: { pull_number: 7.0, base: "main", repo: "api", owner: "acme" }, server: "github" };
    expect(callHash(reordered)).toBe(callHash(base));
  });

  it.each([
    ["server", { ...base, server: "gitlab" }],
    ["tool", { ...base, tool: "MERGE_PULL_REQUEST" }],
    ["consumer", { ...base, consumer: "other-user" }],
    ["an argument's value", { ...base, arguments: { ...base.arguments, base: "release" } }],
    ["an argument's type", { ...base, arguments: { ...base.arguments, pull_number: "7" } }],
    ["an extra argument", { ...base, arguments: { ...base.arguments, merge_method: "squash" } }],
  ])("changes with %s", (_, call) => {
    expect(callHash(call)).not.toBe(callHash(base));
  });

  it("treats absent arguments as {}", () => {
    expect(callHash({ ...base, arguments: undefined })).toBe(callHash({ ...base, arguments: {} }));
  });

  it("gives no hash for arguments JCS cannot represent", () => {
    expect(callHash({ ...base, arguments: { title: "\ud800" } })).toBeUndefined();
  });
});

describe("ruleHash", () => {
  const parse = (require: unknown) => {
    const config = configSchema.parse({
      version: 1,
      consumer_groups: [{ name: "platform" }],
      servers: [{ name: "github", path: "/github", upstream: "http://127.0.0.1:1/mcp", auth: { mode: "passthrough" }, acl: { tools: [{ name: "merge_pull_request", require }] } }],
    });
    return config.servers[0]!.acl.tools[0]!.require!;
  };

  it("is the same for a block written with or without its defaults", () => {
    const short = parse({ action: "approve", approvers: ["platform"] });
    const long = parse({ action: "approve", approvers: ["platform"], for: ["*"], self_approval: false, expires_seconds: 900, wait_seconds: 0 });
    expect(ruleHash("merge_pull_request", short)).toBe(ruleHash("merge_pull_request", long));
  });

  it("changes with the rule's name or any field of the block", () => {
    const block = parse({ action: "approve", approvers: ["platform"] });
    const hash = ruleHash("merge_pull_request", block);
    expect(ruleHash("(default)", block)).not.toBe(hash);
    expect(ruleHash("merge_pull_request", parse({ action: "approve", approvers: ["platform"], expires_seconds: 600 }))).not.toBe(hash);
    expect(ruleHash("merge_pull_request", parse({ action: "approve", approvers: ["platform"], when: 'args.base == "main"' }))).not.toBe(hash);
  });
});
