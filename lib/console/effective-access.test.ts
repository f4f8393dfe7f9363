import { describe, expect, it } from "vitest";
import { useConsoleDatabase } from "../../test/support/console";
import { compileAcl, decideToolAccess, type Caller } from "../core/acl/decide";
import { serverSchema, type ServerConfig } from "../core/config/schema";
import { publishConfigVersion } from "../controlplane/versions";
import { describeDefaultRule, discoveredToolNames, loadPublishedPolicy, serverAccess } from "./effective-access";

const ctx = useConsoleDatabase();

const github: ServerConfig = serverSchema.parse({
  name: "github",
  path: "/github-mcp",
  upstream: "http://127.0.0.1:1/mcp",
  auth: { mode: "passthrough" },
  acl: {
    default: { allow: ["developer", "admin"], deny: ["contractor"] },
    tools: [
      { name: "push_files", allow: ["admin"] },
      { name: "delete_repository", deny: ["*"] },
      { name: "get_me" },
      { name: "search_code", allow: ["alice"] },
      { name: "Legacy_Tool", deny: ["developer"] },
    ],
  },
});
const DISCOVERED = ["create_issue", "get_me", "push_files", "search_code", "legacy_tool", "delete_repository"];

const developer: Caller = { username: "bob", groups: ["developer"] };
const alice: Caller = { username: "alice", groups: ["developer"] };
const contractor: Caller = { username: "carl", groups: ["developer", "contractor"] };
const nobody: Caller = { username: "", groups: [] };

describe("serverAccess: the gateway's decision for every known tool, with the rule that took it", () => {
  it.each([
    [developer, "create_issue", true, "The default rule allows group developer."],
    [developer, "push_files", false, "Its own rule allows only admin, not group developer."],
    [developer, "delete_repository", false, "Its own rule denies everyone."],
    [developer, "get_me", true, "Its own rule allows every caller."],
    [developer, "search_code", false, "Its own rule allows only alice, not group developer."],
    [alice, "search_code", true, "Its own rule allows consumer alice."],
    // Rules match names case-insensitively (NFKC case fold), like the gateway.
    [developer, "legacy_tool", false, "Its own rule denies group developer."],
    [contractor, "create_issue", false, "The default rule denies group contractor."],
    [nobody, "create_issue", false, "The default rule allows only developer, admin; this caller is in no group."],
  ])("%o, %s → allowed %s: %s", (caller, tool, allowed, reason) => {
    const access = serverAccess(github, DISCOVERED, caller).tools.find((t) => t.tool === tool)!;
    expect(access.decision.allowed).toBe(allowed);
    expect(access.reason).toBe(reason);
    // The one decision function, not a second one.
    expect(access.decision).toEqual(decideToolAccess(compileAcl(github.acl), tool, caller));
  });

  it("lists discovered tools and tools only named in a rule once each, sorted", () => {
    const access = serverAccess(github, ["create_issue", "get_me"], developer);
    expect(access.tools.map((t) => [t.tool, t.discovered])).toEqual([
      ["Legacy_Tool", false],
      ["create_issue", true],
      ["delete_repository", false],
      ["get_me", true],
      ["push_files", false],
      ["search_code", false],
    ]);
  });

  it.each([
    [{}, "open to every caller"],
    [{ deny: ["*"] }, "closed to everyone"],
    [{ allow: ["admin"], deny: ["*"] }, "closed to everyone"],
    [{ deny: ["contractor"] }, "open to every caller except contractor"],
    [{ allow: ["*"], deny: ["contractor", "carol"] }, "open to every caller except contractor, carol"],
    [{ allow: ["developer", "admin"] }, "open only to developer, admin"],
    [{ allow: ["developer", "admin"], deny: ["contractor"] }, "open only to developer, admin (deny wins for contractor)"],
    [{ allow: ["developer"], deny: ["a", "b", "c", "d", "e"] }, "open only to developer (deny wins for a, b, c and 2 more)"],
    [{ deny: ["a", "b", "c", "d"] }, "open to every caller except a, b, c and 1 more"],
  ])("states the server's default rule %j in words: %s", (rule, words) => {
    expect(describeDefaultRule(rule)).toBe(words);
    expect(serverAccess(serverSchema.parse({ ...github, acl: { default: rule, tools: [] } }), [], developer).defaultRule).toBe(words);
  });

  it("says what the default rule decides for tools the console does not know, and whether the server is usable", () => {
    expect(serverAccess(github, DISCOVERED, developer)).toMatchObject({
      usable: true,
      otherTools: { decision: { allowed: true }, reason: "The default rule allows group developer." },
    });
    expect(serverAccess(github, DISCOVERED, contractor).usable).toBe(true); // get_me is open to every caller
    const closed = serverSchema.parse({ ...github, acl: { default: { deny: ["*"] }, tools: [] } });
    expect(serverAccess(closed, DISCOVERED, developer)).toMatchObject({ usable: false, otherTools: { reason: "The default rule denies everyone." } });
    const open = serverSchema.parse({ ...github, acl: { default: { deny: ["contractor"] }, tools: [] } });
    expect(serverAccess(open, [], developer)).toMatchObject({
      usable: true,
      tools: [],
      otherTools: { reason: "The default rule allows every caller it does not deny (it denies contractor)." },
    });
  });
});

describe("conditions in My access", () => {
  const conditional = serverSchema.parse({
    ...github,
    acl: {
      default: { allow: ["developer"], when: 'tool != "delete_repository"' },
      tools: [
        { name: "push_files", allow: ["developer"], when: 'args.owner == "acme" && !(args.branch in ["main", "master"])', message: "acme's feature branches only" },
        { name: "search_code", deny: ["contractor"], when: 'args.q.contains("password")' },
        { name: "list_files", when: 'args.files.all(f, f.startsWith("docs/"))' },
      ],
    },
  });

  it("shows the deciding rule's condition in plain words beside the expression, for the callers it judges", () => {
    const tools = new Map(serverAccess(conditional, [], contractor).tools.map((t) => [t.tool, t]));
    expect(tools.get("push_files")!.condition).toEqual({
      effect: "allow",
      expression: 'args.owner == "acme" && !(args.branch in ["main", "master"])',
      words: 'argument owner is "acme" and argument branch is not one of "main", "master"',
      message: "acme's feature branches only",
    });
    expect(tools.get("search_code")!.condition).toEqual({ effect: "deny", expression: 'args.q.contains("password")', words: 'argument q contains "password"' });
    // A form it does not put in words: the expression alone.
    expect(tools.get("list_files")!.condition).toMatchObject({ effect: "allow", words: undefined });
    expect(serverAccess(conditional, [], contractor).otherTools.condition).toMatchObject({ words: 'the tool is not "delete_repository"' });
  });

  it("shows no condition where it does not judge the caller: refused by name, or not among a deny-condition's subjects", () => {
    const tools = new Map(serverAccess(conditional, [], nobody).tools.map((t) => [t.tool, t]));
    expect(tools.get("push_files")!.decision.allowed).toBe(false);
    expect(tools.get("push_files")!.condition).toBeUndefined();
    expect(tools.get("search_code")!.condition).toBeUndefined();
  });
});

describe("loadPublishedPolicy reads what the gateways run", () => {
  it("takes the servers and the asked-for consumers from the latest config version; a disabled consumer is not in it", async () => {
    const group = await ctx.db.consumerGroup.create({ data: { name: "developer" } });
    await ctx.db.consumer.create({ data: { username: "dana", groups: { create: [{ groupId: group.id }] } } });
    await ctx.db.consumer.create({ data: { username: "off", disabledAt: new Date() } });
    await ctx.db.consumer.create({ data: { username: "other" } });
    const server = await ctx.db.mcpServer.create({
      data: { name: "fake", path: "/fake", upstreamUrl: "http://127.0.0.1:1/mcp", authMode: "passthrough", authSettings: { key_header: "apikey" } },
    });
    await ctx.db.aclGroupRule.create({ data: { serverId: server.id, toolName: "push_files", groupId: group.id, effect: "deny" } });
    await ctx.db.tool.createMany({
      data: [
        { serverId: server.id, name: "push_files", inputSchemaHash: "x" },
        { serverId: server.id, name: "old_tool", inputSchemaHash: "x", goneAt: new Date() },
      ],
    });

    // Before any publish: the database state, compiled.
    const unpublished = await loadPublishedPolicy(ctx.db, ["dana"]);
    expect(unpublished.version).toBeNull();
    expect(unpublished.servers.map((s) => s.name)).toEqual(["fake"]);

    const { number } = await publishConfigVersion(ctx.db, { reason: "test" });
    const policy = await loadPublishedPolicy(ctx.db, ["dana", "off"]);
    expect(policy.version).toBe(number);
    expect([...policy.callers.entries()]).toEqual([["dana", { username: "dana", groups: ["developer"] }]]);
    const access = serverAccess(policy.servers[0]!, (await discoveredToolNames(ctx.db, ["fake"])).get("fake") ?? [], policy.callers.get("dana")!);
    expect(access.tools.map((t) => [t.tool, t.decision.allowed, t.reason])).toEqual([["push_files", false, "Its own rule denies group developer."]]);

    // A change not yet published is not what the gateways run.
    await ctx.db.aclGroupRule.deleteMany({ where: { serverId: server.id } });
    expect((await loadPublishedPolicy(ctx.db)).servers[0]!.acl.tools.map((t) => t.name)).toEqual(["push_files"]);
  });
});
