import { describe, expect, it } from "vitest";
import { checkConditionTypes } from "./condition-types";
import { compileCondition } from "./condition";

// A push_files inputSchema as GitHub's MCP server publishes it (abridged).
const pushFiles = {
  type: "object",
  properties: {
    owner: { type: "string" },
    repo: { type: "string" },
    branch: { type: "string" },
    per_page: { type: "integer" },
    force: { type: "boolean" },
    files: { type: "array", items: { type: "object", properties: { path: { type: "string" }, content: { type: "string" } }, required: ["path"] } },
    labels: { type: "array", items: { type: "string" } },
    extra: { type: "object" },
    either: { type: ["string", "null"] },
  },
  required: ["owner", "repo", "branch", "files"],
};

describe("checkConditionTypes", () => {
  it.each([
    'args.owner == "acme" && !(args.branch in ["main", "master"])',
    "args.per_page <= 100 && args.per_page > 0.5",
    'args.files.all(f, f.path.startsWith("docs/") && !f.path.contains(".."))',
    'size(args.files) < 10 && args.files.size() > 0 && args.owner.size() < 40 && "bug" in args.labels',
    "has(args.force) ? !args.force : true",
    'args.extra.anything == 1 && args.either == "x" && args.either == 2',
    '"developer" in consumer.groups && consumer.username != "" && claims.org == args.owner',
    'now < timestamp("2030-01-01T00:00:00Z") && tool == "push_files" && server.startsWith("git")',
    'args.files[0].path.endsWith(".md") && args.labels.exists(l, l.lowerAscii() == "docs")',
    'args.owner + "/" + args.repo == "acme/site"',
  ])("accepts %s", (expression) => {
    expect(compileCondition(expression).ok).toBe(true);
    expect(checkConditionTypes(expression, pushFiles)).toBeUndefined();
  });

  it.each([
    ['args.per_page == "100"', "found no matching overload for '_==_' applied to '(double, string)'"],
    ["args.owner > 3", "found no matching overload for '_>_' applied to '(string, double)'"],
    ['args.per_page.contains("1")', "found no matching overload for 'contains' applied to 'double.(string)'"],
    ['args.ownr == "acme"', "undefined field 'ownr' (declared: owner, repo, branch, per_page, force, files, labels, extra, either)"],
    ['args.files.all(f, f.pth.startsWith("docs/"))', "undefined field 'pth' (declared: path, content)"],
    ["args.force && args.owner", "found no matching overload for '_&&_' applied to '(bool, string)'"],
    ["args.owner.size", "type 'string' does not support field selection"],
    ["1 in args.labels", "found no matching overload for '@in' applied to '(double, list(string))'"],
    ["args.owner", "the condition evaluates to 'string', not a bool"],
    ["args.owner.all(c, true)", "expression of type 'string' cannot be range of a comprehension"],
    ['consumer.group == "x"', "undefined field 'group' (declared: username, custom_id, groups)"],
    ['args.files["a"] == 1', "found no matching overload for '_[_]' applied to '(list(map(string, dyn)), string)'"],
  ])("reports %s", (expression, problem) => {
    expect(checkConditionTypes(expression, pushFiles)).toBe(problem);
  });

  it("without a schema, or with one that declares nothing, only the fixed variables are typed", () => {
    expect(checkConditionTypes('args.anything == 1 && args.x.contains("y")', undefined)).toBeUndefined();
    expect(checkConditionTypes("args.anything == 1", { type: "object" })).toBeUndefined();
    expect(checkConditionTypes("tool == 1", undefined)).toBe("found no matching overload for '_==_' applied to '(string, double)'");
  });

  it("an open object (additionalProperties) admits undeclared fields", () => {
    expect(checkConditionTypes("args.other == 1", { type: "object", properties: { q: { type: "string" } }, additionalProperties: true })).toBeUndefined();
  });
});
