// The console compiler's `require` blocks: the matrix's own requirements and the server's destructive default.
import { describe, expect, it } from "vitest";
import { compileAcl, decideToolAccess } from "../core/acl/decide";
import { parseConfig } from "../core/config/schema";
import { compileConfig, type ConfigSnapshot, type RequirementRow, type ServerSnapshot } from "./compile";

const server = (over: Partial<ServerSnapshot>): ServerSnapshot => ({
  name: "github",
  path: "/github",
  upstreamUrl: "https://api.githubcopilot.com/mcp/",
  authMode: "passthrough",
  authSettings: {},
  upstreamHeaders: {},
  corsOrigins: [],
  timeoutMs: 30_000,
  toolChanges: "allow",
  newTools: "allow",
  pins: [],
  groupRules: [
    { toolName: "*", subject: "developer", effect: "allow" },
    { toolName: "push_files", subject: "platform", effect: "allow" },
  ],
  consumerRules: [],
  othersRules: [
    { toolName: "*", effect: "deny" },
    { toolName: "push_files", effect: "deny" },
  ],
  limits: [],
  ...over,
});

const snapshot = (over: Partial<ServerSnapshot>): ConfigSnapshot => ({
  groups: [
    { name: "developer", description: "" },
    { name: "platform", description: "" },
  ],
  consumers: [{ username: "dev-user", customId: null, groups: ["developer"], keys: [] }],
  servers: [server(over)],
  secrets: [],
});

const step = (toolName: string, over: Partial<RequirementRow> = {}): RequirementRow => ({
  toolName,
  action: "approve",
  subjects: ["*"],
  condition: null,
  approvers: ["platform"],
  selfApproval: false,
  expiresSeconds: 900,
  waitSeconds: 0,
  ...over,
});

const acl = (over: Partial<ServerSnapshot>) => {
  const parsed = parseConfig(compileConfig(snapshot(over)));
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.config.servers[0]!.acl;
};

describe("requirements in the compiled configuration", () => {
  it("puts a tool's requirement on its rule, writing only what differs from the defaults", () => {
    const compiled = compileConfig(
      snapshot({ requirements: [step("push_files", { condition: 'args.branch == "main"', expiresSeconds: 600, selfApproval: true, subjects: ["developer"] })] }),
    );
    expect(compiled.servers![0]!.acl!.tools).toEqual([
      {
        name: "push_files",
        allow: ["developer", "platform"],
        require: { action: "approve", for: ["developer"], when: 'args.branch == "main"', approvers: ["platform"], self_approval: true, expires_seconds: 600 },
      },
    ]);
  });

  it("gives a tool without a rule of its own one that decides as the default row does, carrying the step", () => {
    const withStep = acl({ requirements: [step("merge_pull_request", { action: "confirm", approvers: [] })] });
    const without = acl({});
    const rule = withStep.tools.find((t) => t.name === "merge_pull_request")!;
    expect(rule.require).toEqual({ action: "confirm", for: ["*"], self_approval: false, expires_seconds: 900, wait_seconds: 0 });
    for (const caller of [
      { username: "dev-user", groups: ["developer"] },
      { username: "x", groups: ["platform"] },
      { username: "y", groups: [] },
    ]) {
      const decide = (a: typeof without) => decideToolAccess(compileAcl(a), "merge_pull_request", caller).allowed;
      expect(decide(withStep)).toBe(decide(without));
    }
  });

  it("puts the default row's requirement on the default rule", () => {
    expect(acl({ requirements: [step("*")] }).default.require).toMatchObject({ action: "approve", approvers: ["platform"] });
  });

  it("expands the destructive default into each tool annotated destructiveHint: true, unless it has a requirement of its own", () => {
    const compiled = acl({
      destructive: { action: "approve", approvers: ["platform"] },
      destructiveTools: ["delete_repository", "push_files"],
      requirements: [step("push_files", { action: "confirm", approvers: [] })],
    });
    expect(compiled.tools.map((t) => [t.name, t.require?.action])).toEqual([
      ["delete_repository", "approve"],
      ["push_files", "confirm"],
    ]);
    expect(acl({ destructive: { action: "allow", approvers: [] }, destructiveTools: ["delete_repository"] }).tools).toEqual([
      { name: "push_files", allow: ["developer", "platform"] },
    ]);
    expect(acl({ destructive: { action: "confirm", approvers: [] }, destructiveTools: ["delete_repository"] }).tools[0]!.require).toMatchObject({ action: "confirm" });
  });
});
