import { describe, expect, it } from "vitest";
import { compileAcl, decideToolAccess, describeDenial, type Caller } from "./decide";

const acl = compileAcl({
  default: { deny: ["developer"] },
  tools: [
    { name: "search_repositories", allow: ["admin", "developer"] },
    { name: "push_files", allow: ["admin"] },
    { name: "list_issues", allow: ["developer"], deny: ["contractor"] },
    { name: "get_me" },
    { name: "delete_repo", deny: ["admin", "mallory"] },
    { name: "drop_database", deny: ["*"] },
    { name: "read_docs", allow: ["*"], deny: ["contractor"] },
  ],
});

const admin: Caller = { username: "admin-user", groups: ["admin"] };
const dev: Caller = { username: "dev-user", groups: ["developer"] };
const devContractor: Caller = { username: "carol", groups: ["developer", "contractor"] };
const nobody: Caller = { username: "loner", groups: [] };
const mallory: Caller = { username: "mallory", groups: ["developer"] };

describe("decideToolAccess (Kong semantics)", () => {
  it.each([
    // tool, caller, allowed, rule
    ["search_repositories", dev, true, "search_repositories"],
    ["push_files", admin, true, "push_files"],
    ["push_files", dev, false, "push_files"],
    ["list_issues", dev, true, "list_issues"],
    ["list_issues", devContractor, false, "list_issues"], // deny wins over allow
    ["list_issues", admin, false, "list_issues"], // non-empty allow admits only its subjects
    ["get_me", dev, true, "get_me"], // listed with an empty rule: everyone; the default does not apply
    ["delete_repo", dev, true, "delete_repo"],
    ["delete_repo", mallory, false, "delete_repo"], // usernames are subjects too
    ["create_issue", dev, false, "default"], // unlisted → default
    ["create_issue", admin, true, "default"],
    ["create_issue", nobody, true, "default"],
    ["drop_database", admin, false, "drop_database"], // "*" denies every caller
    ["drop_database", nobody, false, "drop_database"],
    ["read_docs", nobody, true, "read_docs"], // "*" in allow admits every caller not denied
    ["read_docs", devContractor, false, "read_docs"],
    ["PUSH_FILES", dev, false, "push_files"], // rules match case-insensitively
    ["ｐｕｓｈ_ｆｉｌｅｓ", dev, false, "push_files"], // and on the NFKC form
  ] as const)("%s for %s", (tool, caller, allowed, rule) => {
    const decision = decideToolAccess(acl, tool, caller);
    expect(decision.allowed).toBe(allowed);
    expect(decision.rule).toBe(rule);
  });

  it("names the group that caused a denial", () => {
    const decision = decideToolAccess(acl, "push_files", dev);
    if (decision.allowed) throw new Error("expected a denial");
    expect(describeDenial("push_files", dev, decision)).toBe("Tool 'push_files' is not available for consumer group 'developer'");
    const byName = decideToolAccess(acl, "delete_repo", mallory);
    if (byName.allowed) throw new Error("expected a denial");
    expect(byName).toMatchObject({ reason: "denied", subject: "mallory" });
    expect(describeDenial("delete_repo", mallory, byName)).toBe("Tool 'delete_repo' is not available for consumer 'mallory'");
  });

  it("an empty ACL admits everyone", () => {
    expect(decideToolAccess(compileAcl({ default: {}, tools: [] }), "anything", nobody).allowed).toBe(true);
  });
});
