// The decision table of a rule's `require`: an allowed call needs the human
// step exactly when its caller is named by `for` and `when` holds (or cannot
// be evaluated); a refused call never reaches it; the default rule's block
// applies to tools without a rule of their own.
import { describe, expect, it } from "vitest";
import { compileAcl, decideToolAccess, type Caller } from "../acl/decide";
import type { ConditionInput } from "../acl/condition";
import { configSchema, type ToolRequirementConfig } from "../config/schema";
import { DEFAULT_RULE_NAME, ruleHash } from "./call-hash";
import { decideRequirement } from "./requirement";

const dev: Caller = { username: "dev-user", groups: ["developer"] };
const lead: Caller = { username: "lead-user", groups: ["developer", "platform"] };
const outsider: Caller = { username: "other-user", groups: [] };

function acl(require: unknown, allow: string[] = ["developer"], where: "tool" | "default" = "tool") {
  const rule = { allow, require };
  const config = configSchema.parse({
    version: 1,
    consumer_groups: [{ name: "developer" }, { name: "platform" }],
    consumers: [{ username: "dev-user", groups: ["developer"] }, { username: "lead-user", groups: ["developer", "platform"] }, { username: "other-user" }],
    servers: [
      {
        name: "github",
        path: "/github",
        upstream: "http://127.0.0.1:1/mcp",
        auth: { mode: "passthrough" },
        acl: where === "tool" ? { tools: [{ name: "merge_pull_request", ...rule }] } : { default: rule },
      },
    ],
  });
  return { compiled: compileAcl(config.servers[0]!.acl), parsed: config.servers[0]!.acl };
}

function input(caller: Caller, args: Record<string, unknown>): ConditionInput {
  return { args, consumer: caller, claims: {}, server: "github", tool: "merge_pull_request", now: new Date() };
}

/** The whole decision: ACL, then the requirement of the rule that allowed the call. */
function decide(require: unknown, caller: Caller, args: Record<string, unknown>, allow?: string[]) {
  const access = decideToolAccess(acl(require, allow).compiled, "merge_pull_request", caller);
  if (!access.allowed) return "refused";
  const decision = decideRequirement(access.requirement, input(caller, args));
  return decision.required ? `${decision.requirement.action}${decision.conditionError ? " (condition error)" : ""}` : "forwarded";
}

const MAIN = { base: "main" };
const RELEASE = { base: "release" };
/** A base of main, in arguments that also hold a protobuf Struct's spelling of a base of feature. */
const MAIN_UNDER_A_STRUCT: Record<string, unknown> = JSON.parse(
  '{"$typeName":"google.protobuf.Struct","fields":{"base":{"kind":{"case":"stringValue","value":"feature"}}},"owner":"acme","repo":"api","pull_number":7,"base":"main"}',
);

describe("require: decision table (action × for × when × caller)", () => {
  const rows: [string, unknown, Caller, Record<string, unknown>, string][] = [
    ["no require", undefined, dev, MAIN, "forwarded"],
    ["confirm, for everyone", { action: "confirm" }, dev, MAIN, "confirm"],
    ["approve, for everyone", { action: "approve", approvers: ["platform"] }, dev, MAIN, "approve"],
    ["confirm for developer: a developer", { action: "confirm", for: ["developer"] }, dev, MAIN, "confirm"],
    ["confirm for platform: a developer only", { action: "confirm", for: ["platform"] }, dev, MAIN, "forwarded"],
    ["confirm for platform: a platform member", { action: "confirm", for: ["platform"] }, lead, MAIN, "confirm"],
    ["approve for a username", { action: "approve", approvers: ["platform"], for: ["dev-user"] }, dev, MAIN, "approve"],
    ["approve for another username", { action: "approve", approvers: ["platform"], for: ["lead-user"] }, dev, MAIN, "forwarded"],
    ["approve when base is main: main", { action: "approve", approvers: ["platform"], when: 'args.base == "main"' }, dev, MAIN, "approve"],
    ["approve when base is main: release", { action: "approve", approvers: ["platform"], when: 'args.base == "main"' }, dev, RELEASE, "forwarded"],
    ["confirm when base is main: main", { action: "confirm", when: 'args.base == "main"' }, dev, MAIN, "confirm"],
    ["confirm when base is main: release", { action: "confirm", when: 'args.base == "main"' }, dev, RELEASE, "forwarded"],
    ["approve when base is main: main, with a $typeName key", { action: "approve", approvers: ["platform"], when: 'args.base == "main"' }, dev, MAIN_UNDER_A_STRUCT, "approve"],
    ["when on a missing field: fails closed", { action: "approve", approvers: ["platform"], when: 'args.base == "main"' }, dev, {}, "approve (condition error)"],
    ["when of a wrong type: fails closed", { action: "confirm", when: "args.base > 3" }, dev, MAIN, "confirm (condition error)"],
    ["when false for the caller named by for", { action: "confirm", for: ["developer"], when: "consumer.username == 'nobody'" }, dev, MAIN, "forwarded"],
    ["for and when both hold", { action: "confirm", for: ["developer"], when: "'developer' in consumer.groups" }, dev, MAIN, "confirm"],
    ["a refused call never reaches the step", { action: "confirm" }, outsider, MAIN, "refused"],
  ];
  it.each(rows)("%s", (_, require, caller, args, expected) => {
    expect(decide(require, caller, args)).toBe(expected);
  });

  it("applies the default rule's block to tools without a rule of their own, named (default)", () => {
    const { compiled, parsed } = acl({ action: "confirm" }, ["developer"], "default");
    const access = decideToolAccess(compiled, "delete_repository", dev);
    expect(access.allowed).toBe(true);
    const decision = access.allowed && decideRequirement(access.requirement, input(dev, {}));
    expect(decision).toMatchObject({ required: true, requirement: { rule: DEFAULT_RULE_NAME, action: "confirm" } });
    expect(decision && decision.required && decision.requirement.ruleHash).toBe(ruleHash(DEFAULT_RULE_NAME, parsed.default.require as ToolRequirementConfig));
  });

  it("carries the block's settings, bound to the rule's hash", () => {
    const { compiled, parsed } = acl({ action: "approve", approvers: ["platform"], self_approval: true, expires_seconds: 600, wait_seconds: 30 });
    const access = decideToolAccess(compiled, "MERGE_PULL_REQUEST", dev);
    expect(access.allowed && access.requirement).toMatchObject({
      rule: "merge_pull_request",
      action: "approve",
      approvers: ["platform"],
      selfApproval: true,
      expiresSeconds: 600,
      waitSeconds: 30,
      ruleHash: ruleHash("merge_pull_request", parsed.tools[0]!.require!),
    });
  });
});
