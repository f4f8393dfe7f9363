import { describe, expect, it } from "vitest";
import { compileAcl } from "../../../lib/core/acl/decide";
import { parseJsonRpcBody } from "../jsonrpc/message";
import { decideToolCalls } from "./tool-access";

const acl = compileAcl({
  default: { deny: ["developer"] },
  tools: [
    { name: "search_repositories", allow: ["admin", "developer"] },
    { name: "push_files", allow: ["admin"] },
  ],
});
const dev = { username: "dev-user", groups: ["developer"] };
const admin = { username: "admin-user", groups: ["admin"] };

describe("decideToolCalls", () => {
  it("denies with the issue's message and the request id", () => {
    const body = parseJsonRpcBody('{"jsonrpc":"2.0","id":"x1","method":"tools/call","params":{"name":"push_files"}}', "2025-06-18");
    expect(() => decideToolCalls(acl, dev, body, "github")).toThrow(
      expect.objectContaining({ code: "tool_denied", id: "x1", message: "Tool 'push_files' is not available for consumer group 'developer'" }),
    );
    expect(() => decideToolCalls(acl, admin, body, "github")).not.toThrow();
  });

  it("decides case and Unicode variants on the normalised name", () => {
    const body = parseJsonRpcBody('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"PUSH_FILES"}}', "2025-06-18");
    expect(() => decideToolCalls(acl, dev, body, "github")).toThrow(expect.objectContaining({ code: "tool_denied" }));
  });

  it("refuses a whole 2025-03-26 batch when one call in it is denied", () => {
    const body = parseJsonRpcBody(
      '[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_repositories"}},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"push_files"}}]',
      "2025-03-26",
    );
    expect(() => decideToolCalls(acl, dev, body, "github")).toThrow(expect.objectContaining({ code: "tool_denied", id: null }));
  });
});

describe("decideToolCalls with conditions", () => {
  const conditional = compileAcl({
    default: {},
    tools: [
      { name: "push_files", allow: ["developer"], when: 'args.owner == "acme" && !(args.branch in ["main", "master"])', message: "Push to acme's feature branches only" },
      { name: "search_code", deny: ["*"], when: 'args.q.contains("password")', message: "Searching for passwords is not allowed" },
      { name: "list_issues", deny: ["developer"], when: "args.per_page > 100" },
      { name: "create_issue", allow: ["developer"], when: "has(claims.org) && claims.org == args.owner", message: "Only in your own organisation" },
      { name: "push_many", when: 'args.files.all(f, f.path.startsWith("docs/") && !f.path.contains(".."))' },
    ],
  });
  const call = (name: string, args: unknown) => parseJsonRpcBody(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name, arguments: args } }), "2025-06-18");
  const refusal = (name: string, args: unknown, caller = dev, claims?: Record<string, unknown>) => {
    try {
      decideToolCalls(conditional, caller, call(name, args), "github", claims);
      return undefined;
    } catch (error) {
      return error;
    }
  };

  it.each([
    ["push_files", { owner: "acme", branch: "feature/x" }, dev, undefined],
    ["push_files", { owner: "acme", branch: "main" }, dev, { code: "condition_denied", message: "Push to acme's feature branches only", data: { rule: "push_files" } }],
    ["push_files", { owner: "evil", branch: "feature/x" }, dev, { code: "condition_denied", data: { rule: "push_files" } }],
    // The name ACL still decides first: admin is not in `allow`.
    ["push_files", { owner: "acme", branch: "feature/x" }, admin, { code: "tool_denied" }],
    ["push_files", { branch: "feature/x" }, dev, { code: "condition_failed", data: { rule: "push_files" } }],
    ["search_code", { q: "where is the password" }, admin, { code: "condition_denied", message: "Searching for passwords is not allowed", data: { rule: "search_code" } }],
    ["search_code", { q: "function main" }, admin, undefined],
    ["search_code", { q: 42 }, dev, { code: "condition_failed" }],
    // A deny-condition only judges the subjects it names.
    ["list_issues", { per_page: 500 }, dev, { code: "condition_denied", message: "Tool 'list_issues' is not available with these arguments", data: { rule: "list_issues" } }],
    ["list_issues", { per_page: 500 }, admin, undefined],
    ["list_issues", {}, admin, undefined],
    ["get_me", {}, dev, undefined],
  ])("%s %j by %o → %o", (name, args, caller, expected) => {
    const error = refusal(name, args, caller);
    if (expected === undefined) expect(error).toBeUndefined();
    else expect(error).toMatchObject({ ...expected, id: 7, jsonRpcCode: -32602 });
  });

  it("reads the token's claims, and an empty map where the route validated no token", () => {
    expect(refusal("create_issue", { owner: "acme" }, dev, { org: "acme" })).toBeUndefined();
    expect(refusal("create_issue", { owner: "acme" }, dev, { org: "evil" })).toMatchObject({ code: "condition_denied", message: "Only in your own organisation" });
    expect(refusal("create_issue", { owner: "acme" }, dev)).toMatchObject({ code: "condition_denied" });
  });

  it("refuses arguments too large for the condition's cost limit with its own code, without evaluating", () => {
    const files = Array.from({ length: 60_000 }, (_, i) => ({ path: `docs/${i}.md` }));
    expect(refusal("push_many", { files: files.slice(0, 100) })).toBeUndefined();
    expect(refusal("push_many", { files })).toMatchObject({
      code: "condition_cost_exceeded",
      jsonRpcCode: -32602,
      data: { rule: "push_many" },
      detail: expect.stringMatching(/cost limit/),
    });
  });

  it("judges a call without arguments on an empty map (a missing field fails closed)", () => {
    expect(refusal("push_files", undefined)).toMatchObject({ code: "condition_failed", detail: expect.stringMatching(/^rule 'push_files': .*owner/) });
  });
});
