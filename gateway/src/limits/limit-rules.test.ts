import { describe, expect, it } from "vitest";
import { compileLimits, matchLimits } from "./limit-rules";

const limits = compileLimits("github", [
  { subject: "*", tool: "*", per_day: 1000 },
  { subject: "developer", tool: "create_issue", per_minute: 5 },
  { subject: "developer", tool: "*", per_hour: 100 },
  { subject: "dev-user", tool: "create_issue", concurrent: 1 },
  { subject: "bots", tool: "search", per_minute: 60, per_hour: 600 },
]);

const dev = { username: "dev-user", groups: ["developer"] };
const bot = { username: "bot-1", groups: ["bots", "bots"] };
const nobody = { username: "someone", groups: [] };

describe("matchLimits", () => {
  it.each([
    {
      who: "a developer calling create_issue",
      caller: dev,
      tool: "create_issue",
      rules: ["github|dev-user|create_issue", "github|developer|create_issue", "github|developer|*", "github|*|*"],
    },
    { who: "a developer calling another tool", caller: dev, tool: "get_me", rules: ["github|developer|*", "github|*|*"] },
    { who: "a bot (group listed twice) calling search", caller: bot, tool: "search", rules: ["github|bots|search", "github|*|*"] },
    { who: "a bot calling create_issue", caller: bot, tool: "create_issue", rules: ["github|*|*"] },
    { who: "anyone else", caller: nobody, tool: "create_issue", rules: ["github|*|*"] },
    {
      who: "a developer spelling create_issue in capitals (as the ACL, names match case-insensitively)",
      caller: dev,
      tool: "CREATE_Issue",
      rules: ["github|dev-user|create_issue", "github|developer|create_issue", "github|developer|*", "github|*|*"],
    },
    {
      who: "a group named like its consumer",
      caller: { username: "developer", groups: ["developer"] },
      tool: "create_issue",
      rules: ["github|developer|create_issue", "github|developer|*", "github|*|*"],
    },
  ])("$who", ({ caller, tool, rules }) => {
    expect(matchLimits(limits, caller, tool).map((r) => r.id)).toEqual(rules);
  });

  it("matches nothing on a server without limits", () => {
    expect(matchLimits(compileLimits("x", []), dev, "create_issue")).toEqual([]);
  });

  it("compiles each budget of a rule with its window", () => {
    const [rule] = matchLimits(limits, bot, "search");
    expect(rule).toMatchObject({
      windows: [
        { name: "per_minute", quota: 60, windowMs: 60_000 },
        { name: "per_hour", quota: 600, windowMs: 3_600_000 },
      ],
      concurrent: undefined,
    });
  });
});
