import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseConfig } from "./schema";

const example = `
version: 1
gateway:
  public_url: https://localhost:8443
consumer_groups: [{ name: admin }, { name: developer }]
consumers:
  - { username: admin-user, groups: [admin],     keys: [{ key: admin-api-key }] }
  - { username: dev-user,   groups: [developer], keys: [{ hash: "sha256:${"a".repeat(64)}" }] }
servers:
  - name: github
    path: /github-mcp
    upstream: https://api.githubcopilot.com/mcp/
    auth:
      mode: passthrough
      key_header: apikey
      upstream_prm: https://api.githubcopilot.com/.well-known/oauth-protected-resource/mcp/
    acl:
      default: { deny: [developer] }
      tools:
        - { name: search_repositories, allow: [admin, developer] }
        - { name: push_files,          allow: [admin] }
  - name: konnect
    path: /konnect-mcp
    upstream: https://us.mcp.konghq.com/
    auth:
      mode: token_swap
      issuer: https://idp.example.com/realms/mcp-demo
      introspection:
        endpoint: https://idp.example.com/realms/mcp-demo/protocol/openid-connect/token/introspect
        client_id: kong-mcp-gateway
        client_secret: "{vault://env/OAUTH_CLIENT_SECRET}"
      audience: https://localhost:8443/konnect-mcp
      scopes_supported: [openid, mcp]
      required_scopes: []
      consumer_claim: sub
      consumer_groups_claim: groups
      unknown_consumer: reject
    upstream_headers:
      Authorization: "Bearer {vault://env/KONNECT_MCP_TOKEN}"
    acl: { default: {}, tools: [] }
`;

describe("gateway config schema", () => {
  it("accepts the documented example and fills defaults", () => {
    const result = parseConfig(parseYaml(example));
    if (!result.ok) throw new Error(result.problems.join("\n"));
    const [github, konnect] = result.config.servers;
    expect(github!.timeout_ms).toBe(60_000);
    expect(github!.auth).toMatchObject({ mode: "passthrough", key_header: "apikey" });
    expect(konnect!.auth).toMatchObject({ mode: "token_swap", consumer_by: "username" });
    expect(result.config.gateway.max_body_bytes).toBe(1024 * 1024);
  });

  it("lists every problem by path", () => {
    const doc = parseYaml(example);
    doc.servers[0].acl.tools[1].allow = "admin";
    doc.servers[1].path = "konnect-mcp";
    doc.consumers[0].groups.push("ops");
    doc.servers[0].acl.default.deny.push("nobody");
    const result = parseConfig(doc);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^servers\[0\]\.acl\.tools\[1\]\.allow: .*expected array/),
        expect.stringMatching(/^servers\[1\]\.path: a route path starts with '\/'/),
      ]),
    );
    expect(result.problems).toHaveLength(2);
  });

  it("checks cross-references: unknown groups and subjects, duplicate paths, malformed vault references", () => {
    const doc = parseYaml(example);
    doc.consumers[0].groups.push("ops");
    doc.servers[0].acl.default.deny.push("nobody");
    doc.servers[1].path = "/GITHUB-MCP";
    doc.servers[1].upstream_headers.Authorization = "Bearer {vault://nope/X}";
    const result = parseConfig(doc);
    if (result.ok) throw new Error("expected problems");
    expect(result.problems.sort()).toEqual([
      `consumers[0].groups[1]: unknown consumer group "ops"`,
      `servers[0].acl.default.deny[1]: "nobody" is neither a consumer group nor a consumer`,
      `servers[1].path: duplicate route path "/github-mcp" (first at index 0)`,
      `servers[1].upstream_headers.Authorization: malformed vault reference "{vault://nope/X}"; expected {vault://<backend>/<key>[/<field>]}`,
    ]);
  });

  it("fills the gateway's stream and discovery defaults", () => {
    const result = parseConfig(parseYaml(example));
    if (!result.ok) throw new Error(result.problems.join("\n"));
    expect(result.config.gateway.sse_keepalive_ms).toBe(15_000);
    expect(result.config.servers[0]!.auth).toMatchObject({ upstream_prm_ttl_seconds: 300 });
    expect(result.config.servers[1]!.auth).toMatchObject({ idp_timeout_ms: 5_000 });
  });

  it("refuses an Authorization upstream header on a passthrough route (it would replace the caller's token)", () => {
    const doc = parseYaml(example);
    doc.servers[0].upstream_headers = { authorization: "Bearer {vault://env/X}" };
    const result = parseConfig(doc);
    expect(result.ok ? [] : result.problems).toEqual([expect.stringMatching(/^servers\[0\]\.upstream_headers\.authorization: authorization carries a credential the caller brings on a passthrough route/)]);
  });

  it("refuses unknown fields rather than ignoring them", () => {
    const doc = parseYaml(example);
    doc.servers[0].acl.tool = [];
    const result = parseConfig(doc);
    expect(result.ok ? [] : result.problems).toEqual([`servers[0].acl: Unrecognized key: "tool"`]);
  });
});
