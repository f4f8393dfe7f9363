import { describe, expect, it } from "vitest";
import { canonicalJson, configHash } from "../core/config/canonical";
import { compileConfig, type ConfigSnapshot } from "./compile";
import { parseConfig } from "../core/config/schema";

const snapshot: ConfigSnapshot = {
  publicUrl: "https://gw.example.com",
  groups: [
    { name: "developer", description: "" },
    { name: "admin", description: "Platform team" },
  ],
  consumers: [
    {
      username: "dev-user",
      customId: "idp|42",
      groups: ["developer"],
      keys: [{ id: "k2", name: "laptop", hash: `sha256:${"b".repeat(64)}`, expiresAt: new Date("2030-01-01T00:00:00Z") }],
    },
    { username: "admin-user", customId: null, groups: ["developer", "admin"], keys: [{ id: "k1", name: "ci", hash: `sha256:${"a".repeat(64)}`, expiresAt: null }] },
  ],
  servers: [
    {
      name: "konnect",
      path: "/konnect-mcp",
      upstreamUrl: "https://us.mcp.konghq.com/",
      authMode: "token_swap",
      authSettings: { issuer: "https://idp.example.com/realms/mcp", jwks: { uri: "https://idp.example.com/certs" } },
      upstreamHeaders: { Authorization: "Bearer {vault://portcullis/konnect-token}" },
      corsOrigins: [],
      timeoutMs: 30_000,
      toolChanges: "allow",
      newTools: "allow",
      pins: [],
      groupRules: [],
      consumerRules: [],
      othersRules: [],
      limits: [],
    },
    {
      name: "github",
      path: "/github-mcp",
      upstreamUrl: "https://api.githubcopilot.com/mcp/",
      authMode: "passthrough",
      authSettings: { mode: "passthrough", key_header: "apikey", upstream_prm: "https://api.githubcopilot.com/.well-known/oauth-protected-resource/mcp/" },
      upstreamHeaders: {},
      corsOrigins: ["https://b.example", "https://a.example"],
      timeoutMs: 60_000,
      toolChanges: "hold",
      newTools: "hold",
      pins: [
        { name: "search_repositories", pin: `sha256:${"1".repeat(64)}` },
        { name: "push_files", pin: `sha256:${"2".repeat(64)}` },
      ],
      groupRules: [
        { toolName: "*", subject: "developer", effect: "deny" },
        { toolName: "search_repositories", subject: "developer", effect: "allow" },
        { toolName: "push_files", subject: "admin", effect: "allow" },
      ],
      consumerRules: [{ toolName: "push_files", subject: "dev-user", effect: "deny" }],
      othersRules: [{ toolName: "push_files", effect: "deny" }],
      limits: [
        { subject: "developer", tool: "push_files", per_minute: 5, per_hour: undefined, concurrent: 1 },
        { subject: "*", tool: "*", per_day: 1000 },
      ],
    },
  ],
  secrets: [{ name: "konnect-token", ciphertext: "v1:aaa:bbb:ccc" }],
};

function shuffled(s: ConfigSnapshot): ConfigSnapshot {
  const rev = <T>(a: T[]) => [...a].reverse();
  return {
    ...s,
    groups: rev(s.groups),
    consumers: rev(s.consumers).map((c) => ({ ...c, groups: rev(c.groups), keys: rev(c.keys) })),
    servers: rev(s.servers).map((server) => ({
      ...server,
      groupRules: rev(server.groupRules),
      corsOrigins: rev(server.corsOrigins),
      pins: rev(server.pins),
      limits: rev(server.limits),
    })),
    secrets: rev(s.secrets),
  };
}

describe("compileConfig", () => {
  it("produces a document the gateway accepts", () => {
    const result = parseConfig(compileConfig(snapshot));
    if (!result.ok) throw new Error(result.problems.join("\n"));
    expect(result.config.servers.map((s) => s.name)).toEqual(["github", "konnect"]);
  });

  it("is deterministic: the same state in any order has the same canonical JSON and hash", () => {
    expect(canonicalJson(compileConfig(shuffled(snapshot)))).toBe(canonicalJson(compileConfig(snapshot)));
    expect(configHash(compileConfig(shuffled(snapshot)))).toBe(configHash(compileConfig(snapshot)));
    expect(configHash(compileConfig({ ...snapshot, publicUrl: "https://other.example" }))).not.toBe(configHash(compileConfig(snapshot)));
  });

  it("compiles the matrix rules into the server's ACL", () => {
    const github = compileConfig(snapshot).servers!.find((s) => s.name === "github")!;
    expect(github.acl).toEqual({
      default: { deny: ["developer"] },
      tools: [{ name: "push_files", allow: ["admin"], deny: ["developer", "dev-user"] }, { name: "search_repositories" }],
    });
  });

  it("carries each server's change-control policies and its approved pins, sorted by tool", () => {
    const servers = compileConfig(snapshot).servers!;
    const github = servers.find((s) => s.name === "github")!;
    expect([github.tool_changes, github.new_tools]).toEqual(["hold", "hold"]);
    expect(github.tools).toEqual([
      { name: "push_files", pin: `sha256:${"2".repeat(64)}` },
      { name: "search_repositories", pin: `sha256:${"1".repeat(64)}` },
    ]);
    const konnect = servers.find((s) => s.name === "konnect")!;
    expect([konnect.tool_changes, konnect.new_tools, konnect.tools]).toEqual(["allow", "allow", []]);
  });

  it("carries each server's limits sorted by subject and tool, with only the budgets they set", () => {
    const github = compileConfig(snapshot).servers!.find((s) => s.name === "github")!;
    expect(github.limits).toEqual([
      { subject: "*", tool: "*", per_day: 1000 },
      { subject: "developer", tool: "push_files", per_minute: 5, concurrent: 1 },
    ]);
  });

  it("keeps keys as hashes and secrets as ciphertexts or references", () => {
    const doc = compileConfig(snapshot);
    expect(doc.consumers!.find((c) => c.username === "dev-user")!.keys).toEqual([
      { id: "k2", name: "laptop", hash: `sha256:${"b".repeat(64)}`, expires_at: "2030-01-01T00:00:00.000Z" },
    ]);
    expect(doc.vault).toEqual({ portcullis: { "konnect-token": "v1:aaa:bbb:ccc" } });
    expect(doc.servers!.find((s) => s.name === "konnect")!.upstream_headers).toEqual({ Authorization: "Bearer {vault://portcullis/konnect-token}" });
  });
});
