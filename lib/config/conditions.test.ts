// The schema's view of ACL conditions: what the gateway and the console's
// validation (both parseConfig) accept and refuse, reported by path.
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../controlplane/import";
import { parseConfig, type GatewayConfigInput } from "../core/config/schema";

type AclInput = NonNullable<NonNullable<GatewayConfigInput["servers"]>[number]["acl"]>;

function configWith(acl: AclInput): unknown {
  return {
    version: 1,
    consumer_groups: [{ name: "developer" }],
    servers: [{ name: "github", path: "/github-mcp", upstream: "https://api.githubcopilot.com/mcp/", auth: { mode: "passthrough" }, acl }],
  };
}

describe("ACL conditions in the config", () => {
  it("accepts the documented allow- and deny-conditions and leaves rules without one as they were", () => {
    const parsed = parseConfig(
      configWith({
        default: { when: 'tool != "delete_repository"', message: "Nobody deletes repositories through the gateway" },
        tools: [
          { name: "push_files", allow: ["developer"], when: 'args.owner == "acme" && !(args.branch in ["main", "master"])', message: "Push to acme's feature branches only" },
          { name: "search_code", deny: ["*"], when: 'args.q.contains("password")', message: "Searching for passwords is not allowed" },
          { name: "get_me", allow: ["developer"] },
        ],
      }),
    );
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.config.servers[0]!.acl.tools[2]).toEqual({ name: "get_me", allow: ["developer"] });
  });

  it.each([
    [{ tools: [{ name: "a" }, { name: "b" }, { name: "push_files", allow: ["developer"], when: "args.owner ==" }] }, /^servers\[0\]\.acl\.tools\[2\]\.when: syntax error/],
    [{ default: { when: 'token.sub == "x"' } }, /^servers\[0\]\.acl\.default\.when: undeclared reference to 'token'/],
    [{ tools: [{ name: "t", when: "nope(args)" }] }, /^servers\[0\]\.acl\.tools\[0\]\.when: unknown function 'nope'/],
    [{ tools: [{ name: "t", allow: ["developer"], message: "why" }] }, /^servers\[0\]\.acl\.tools\[0\]\.message: .* it needs `when`/],
    [{ tools: [{ name: "t", when: "" }] }, /^servers\[0\]\.acl\.tools\[0\]\.when: /],
  ])("refuses %j with its path", (acl, problem) => {
    const parsed = parseConfig(configWith(acl));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems).toContainEqual(expect.stringMatching(problem));
  });
});

describe("the console's import", () => {
  it("refuses an argument path or a secret pattern it cannot use, by path", () => {
    const config = configWith({ tools: [{ name: "push_files", redact_args: ["content"] }] }) as Record<string, unknown>;
    config.secret_patterns = [{ name: "slow", pattern: "(a+)+b" }];
    const parsed = parseConfig(config);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^servers\[0\]\.acl\.tools\[0\]\.redact_args\[0\]: an argument path/),
          expect.stringMatching(/^secret_patterns\[0\]\.pattern: a pattern may not quantify a group/),
        ]),
      );
  });

  it("refuses a condition that does not compile with its path, like the gateway", () => {
    const text = JSON.stringify(configWith({ tools: [{ name: "push_files", when: "args.owner ==" }] }));
    expect(() => parseConfigText(text)).toThrow(/servers\[0\]\.acl\.tools\[0\]\.when: syntax error/);
  });
});
