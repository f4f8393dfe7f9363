import { describe, expect, it } from "vitest";
import { serverSchema } from "../core/config/schema";
import { simulateSampleCall } from "./call-simulation";

const github = serverSchema.parse({
  name: "github",
  path: "/github-mcp",
  upstream: "http://127.0.0.1:1/mcp",
  auth: { mode: "passthrough" },
  acl: {
    default: { deny: ["*"] },
    tools: [
      { name: "push_files", allow: ["developer"], deny: ["contractor"], when: 'args.owner == "acme" && !(args.branch in ["main", "master"])', message: "acme only" },
      { name: "search_code", deny: ["*"], when: 'args.q.contains("password")' },
    ],
  },
});
const dev = { username: "", groups: ["developer"] };

describe("the policy simulator's sample call", () => {
  it.each([
    [
      "push_files",
      dev,
      '{"owner": "acme", "branch": "feature/x"}',
      { allowed: true, verdict: "allowed", rule: "push_files", condition: { effect: "allow", outcome: { ok: true, holds: true } } },
    ],
    [
      "push_files",
      dev,
      '{"owner": "acme", "branch": "main"}',
      { allowed: false, verdict: "condition_denied", rule: "push_files", condition: { message: "acme only", outcome: { ok: true, holds: false } } },
    ],
    ["push_files", dev, '{"branch": "x"}', { allowed: false, verdict: "condition_failed", condition: { outcome: { ok: false } } }],
    [
      "push_files",
      { username: "", groups: ["developer", "contractor"] },
      '{"owner": "acme", "branch": "x"}',
      { allowed: false, verdict: "denied", rule: "push_files", subject: "contractor" },
    ],
    ["search_code", dev, '{"q": "where is the password"}', { allowed: false, verdict: "condition_denied", condition: { effect: "deny", outcome: { ok: true, holds: true } } }],
    ["search_code", dev, '{"q": "readme"}', { allowed: true, verdict: "allowed", rule: "search_code" }],
    ["delete_repo", dev, "", { allowed: false, verdict: "denied", rule: "default" }],
  ])("%s for %j with %s", (tool, caller, args, call) => {
    const result = simulateSampleCall(github, caller, { tool, args });
    expect(result).toMatchObject({ ok: true, call });
    expect(result.ok && result.call.condition === undefined).toBe(result.ok && result.words === undefined);
  });

  it("names the rule that decided and says the condition in words", () => {
    expect(simulateSampleCall(github, dev, { tool: "push_files", args: '{"owner":"acme","branch":"x"}' })).toMatchObject({
      ownRule: true,
      words: 'argument owner is "acme" and argument branch is not one of "main", "master"',
    });
    expect(simulateSampleCall(github, dev, { tool: "other", args: "{}" })).toMatchObject({ ownRule: false, call: { rule: "default" } });
  });

  it.each([
    [{ tool: "push files", args: "{}" }, "tool", /not a valid tool name/],
    [{ tool: "push_files", args: "[1]" }, "args", /a JSON object/],
    [{ tool: "push_files", args: "{owner:" }, "args", /^not JSON/],
    [{ tool: "push_files", args: "x".repeat(20_000) }, "args", /at most 16384 characters/],
  ])("refuses %j by field", (sample, field, problem) => {
    expect(simulateSampleCall(github, dev, sample)).toEqual({ ok: false, field, problem: expect.stringMatching(problem) });
  });
});
