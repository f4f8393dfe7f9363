import { describe, expect, it } from "vitest";
import { parseConfig, type GatewayConfig, type GatewayConfigInput } from "../core/config/schema";
import { describeConfigChanges } from "./describe-changes";

const HASH_A = `sha256:${"a".repeat(64)}`;
const HASH_B = `sha256:${"b".repeat(64)}`;
const PIN_1 = `sha256:${"1".repeat(64)}`;
const PIN_2 = `sha256:${"2".repeat(64)}`;

function github(
  acl: NonNullable<GatewayConfigInput["servers"]>[number]["acl"],
  tools = [
    { name: "create_issue", pin: PIN_1 },
    { name: "list_issues", pin: PIN_1 },
  ],
) {
  return { name: "github", path: "/github", upstream: "https://api.example.com/mcp", auth: { mode: "passthrough" as const }, acl, tools };
}

function config(overrides: Partial<GatewayConfigInput> = {}): GatewayConfig {
  const parsed = parseConfig({
    version: 1,
    consumer_groups: [{ name: "developer" }, { name: "admin" }],
    consumers: [{ username: "dev-user", groups: ["developer"], keys: [{ id: "k1", name: "laptop", hash: HASH_A }] }],
    servers: [github({ default: { deny: ["*"] }, tools: [{ name: "list_issues", allow: ["developer"] }] })],
    ...overrides,
  });
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.config;
}

describe("describeConfigChanges", () => {
  const base = config();

  it("says nothing when every call is decided alike", () => {
    expect(describeConfigChanges(base, config())).toEqual([]);
  });

  it("says nothing for a rewrite of the rules that decides every call alike", () => {
    const rewritten = config({ servers: [github({ default: { allow: ["developer"], deny: ["developer"] }, tools: [{ name: "list_issues", allow: ["developer"] }] })] });
    expect(describeConfigChanges(base, rewritten)).toEqual([]);
  });

  const cases: [string, Partial<GatewayConfigInput>, string[]][] = [
    [
      "a tool opened to a group",
      {
        servers: [
          github({
            default: { deny: ["*"] },
            tools: [
              { name: "list_issues", allow: ["developer"] },
              { name: "create_issue", allow: ["developer"] },
            ],
          }),
        ],
      },
      ["developer gains create_issue on github"],
    ],
    ["a tool closed to a group", { servers: [github({ default: { deny: ["*"] }, tools: [] })] }, ["developer loses list_issues on github"]],
    [
      "the default opened to everyone",
      { servers: [github({ default: {}, tools: [{ name: "list_issues", allow: ["developer"] }] })] },
      ["admin gains create_issue on github", "developer gains create_issue on github", "everyone else gains create_issue on github"],
    ],
    [
      "a consumer named in a rule",
      {
        servers: [
          github({
            default: { deny: ["*"] },
            tools: [
              { name: "list_issues", allow: ["developer"] },
              { name: "create_issue", allow: ["dev-user"] },
            ],
          }),
        ],
      },
      ["dev-user gains create_issue on github"],
    ],
    [
      "a condition added",
      { servers: [github({ default: { deny: ["*"] }, tools: [{ name: "list_issues", allow: ["developer"], when: "args.state == 'open'" }] })] },
      ["list_issues on github is allowed only when args.state == 'open'"],
    ],
    ["a key revoked", { consumers: [{ username: "dev-user", groups: ["developer"], keys: [] }] }, ["key laptop revoked for dev-user"]],
    [
      "a key issued",
      {
        consumers: [
          {
            username: "dev-user",
            groups: ["developer"],
            keys: [
              { id: "k1", name: "laptop", hash: HASH_A },
              { id: "k2", name: "ci", hash: HASH_B },
            ],
          },
        ],
      },
      ["key ci issued for dev-user"],
    ],
    [
      "a key rolled: the old one gets the end of its overlap",
      {
        consumers: [
          {
            username: "dev-user",
            groups: ["developer"],
            keys: [
              { id: "k1", name: "laptop", hash: HASH_A, expires_at: "2030-01-02T03:04:00Z" },
              { id: "k2", name: "laptop", hash: HASH_B },
            ],
          },
        ],
      },
      ["key laptop of dev-user now expires 2030-01-02 03:04 UTC", "key laptop issued for dev-user"],
    ],
    [
      "a consumer joins a group",
      { consumers: [{ username: "dev-user", groups: ["developer", "admin"], keys: [{ id: "k1", name: "laptop", hash: HASH_A }] }] },
      ["dev-user joins admin"],
    ],
    ["a consumer created and one deleted", { consumers: [{ username: "ops-bot", groups: ["admin"] }] }, ["consumer ops-bot added to admin", "consumer dev-user removed"]],
    [
      "a group created: it is not said to gain what it starts with",
      {
        consumer_groups: [{ name: "developer" }, { name: "admin" }, { name: "auditors" }],
        servers: [github({ default: { allow: ["auditors"] }, tools: [{ name: "list_issues", allow: ["developer"] }] })],
      },
      ["group auditors created"],
    ],
    [
      "a tool approved and another's new definition",
      {
        servers: [
          github({ default: { deny: ["*"] }, tools: [{ name: "list_issues", allow: ["developer"] }] }, [
            { name: "create_issue", pin: PIN_2 },
            { name: "list_issues", pin: PIN_1 },
            { name: "get_issue", pin: PIN_1 },
          ]),
        ],
      },
      ["get_issue approved on github", "new definition of create_issue approved on github"],
    ],
    [
      "a server added",
      {
        servers: [
          github({ default: { deny: ["*"] }, tools: [{ name: "list_issues", allow: ["developer"] }] }),
          { name: "jira", path: "/jira", upstream: "https://jira.example.com/mcp", auth: { mode: "passthrough" } },
        ],
      },
      ["server jira added at /jira"],
    ],
    ["a server removed", { servers: [] }, ["server github removed"]],
    [
      "the upstream and rate limits changed",
      {
        servers: [
          {
            ...github({ default: { deny: ["*"] }, tools: [{ name: "list_issues", allow: ["developer"] }] }),
            upstream: "https://other.example.com/mcp",
            limits: [{ subject: "*", per_minute: 10 }],
          },
        ],
      },
      ["github now forwards to https://other.example.com/mcp", "rate limits of github changed"],
    ],
    [
      "a server switched to sign-in with Portcullis",
      { servers: [{ ...github({ default: { deny: ["*"] }, tools: [{ name: "list_issues", allow: ["developer"] }] }), auth: { mode: "sign_in" } }] },
      ["github switches to sign-in with Portcullis authentication"],
    ],
    ["a secret stored", { vault: { portcullis: { "gh-token": "v1:abc" } } }, ["secret gh-token stored"]],
  ];

  it.each(cases)("%s", (_, overrides, expected) => {
    expect(describeConfigChanges(base, config(overrides))).toEqual(expected);
  });

  it("lists several tools a subject gains in one line", () => {
    const opened = config({ servers: [github({ default: { allow: ["admin"] }, tools: [{ name: "list_issues", allow: ["developer", "admin"] }] })] });
    expect(describeConfigChanges(base, opened)).toEqual(["admin gains create_issue and list_issues on github"]);
  });
});
