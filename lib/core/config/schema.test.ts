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
    expect(result.config.gateway.max_sse_event_bytes).toBe(16 * 1024 * 1024);
    expect(result.config.servers[0]!.auth).toMatchObject({ upstream_prm_ttl_seconds: 300 });
    expect(result.config.servers[1]!.auth).toMatchObject({ idp_timeout_ms: 5_000 });
  });

  it("refuses an Authorization upstream header on a passthrough route (it would replace the caller's token)", () => {
    const doc = parseYaml(example);
    doc.servers[0].upstream_headers = { authorization: "Bearer {vault://env/X}" };
    const result = parseConfig(doc);
    expect(result.ok ? [] : result.problems).toEqual([
      expect.stringMatching(/^servers\[0\]\.upstream_headers\.authorization: authorization carries a credential the caller brings on a passthrough route/),
    ]);
  });

  it("refuses unknown fields rather than ignoring them", () => {
    const doc = parseYaml(example);
    doc.servers[0].acl.tool = [];
    const result = parseConfig(doc);
    expect(result.ok ? [] : result.problems).toEqual([`servers[0].acl: Unrecognized key: "tool"`]);
  });

  it("accepts rate limits and a Redis section", () => {
    const doc = parseYaml(example);
    doc.servers[0].limits = [
      { subject: "developer", tool: "push_files", per_minute: 5, concurrent: 1 },
      { subject: "*", per_day: 1000 },
    ];
    doc.redis = { url: "rediss://gateway:secret@redis.internal:6380/0" };
    const result = parseConfig(doc);
    if (!result.ok) throw new Error(result.problems.join("\n"));
    expect(result.config.servers[0]!.limits[1]).toEqual({ subject: "*", tool: "*", per_day: 1000 });
    expect(result.config.servers[1]!.limits).toEqual([]);
    expect(result.config.redis).toEqual({ url: "rediss://gateway:secret@redis.internal:6380/0", key_prefix: "portcullis:", slot_lease_seconds: 60 });
  });

  it.each([
    { limits: [{ subject: "nobody", per_minute: 1 }], problem: 'servers[0].limits[0].subject: "nobody" is neither a consumer group nor a consumer' },
    { limits: [{ subject: "admin", tool: "push_files" }], problem: "servers[0].limits[0]: a limit needs at least one of per_minute, per_hour, per_day or concurrent" },
    { limits: [{ subject: "admin", per_minute: 0 }], problem: "servers[0].limits[0].per_minute: Too small: expected number to be >=1" },
    {
      limits: [
        { subject: "admin", per_hour: 2 },
        { subject: "admin", tool: "*", per_day: 9 },
      ],
      problem: 'servers[0].limits[1]: duplicate limit for "admin × *" (first at index 0)',
    },
    {
      limits: [
        { subject: "admin", tool: "push_files", per_hour: 2 },
        { subject: "admin", tool: "Push_Files", per_day: 9 },
      ],
      problem: 'servers[0].limits[1]: duplicate limit for "admin × push_files" (first at index 0)',
    },
    { limits: [{ subject: "admin", tool: "a b", per_hour: 2 }], problem: "servers[0].limits[0].tool: tool names are 1–128 characters of letters, digits, '_', '-', '.', '/'" },
  ])("refuses a bad limit: $problem", ({ limits, problem }) => {
    const doc = parseYaml(example);
    doc.servers[0].limits = limits;
    const result = parseConfig(doc);
    expect(result.ok ? [] : result.problems).toEqual([problem]);
  });

  it("refuses a Redis URL of another scheme", () => {
    const doc = parseYaml(example);
    doc.redis = { url: "http://redis:6379" };
    const result = parseConfig(doc);
    expect(result.ok ? [] : result.problems).toEqual(["redis.url: expected a redis:// or rediss:// URL"]);
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- each case edits the parsed YAML document in place */
describe("validated passthrough and token exchange", () => {
  const validate = { issuer: "https://login.example.com", audience: "https://docs.example.com/mcp", jwks: { uri: "https://login.example.com/jwks" } };
  const exchange = { endpoint: "https://idp.example.com/token", client_id: "gw", client_secret: "{vault://env/SECRET}", resource: "https://analytics.example.com/mcp" };
  const withServer = (change: (github: Record<string, any>, konnect: Record<string, any>) => void) => {
    const doc = parseYaml(example);
    change(doc.servers[0], doc.servers[1]);
    return parseConfig(doc);
  };

  it("accepts validate with identity key, token or both, and token_exchange instead of a stored credential; leaves today's passthrough routes as they were", () => {
    const result = withServer((github, konnect) => {
      github.auth = { ...github.auth, validate: { ...validate, algorithms: ["RS256"] }, identity: "both", consumer_by: "custom_id" };
      konnect.upstream_headers = {};
      konnect.upstream_credential = { token_exchange: exchange };
    });
    if (!result.ok) throw new Error(result.problems.join("\n"));
    expect(result.config.servers[0]!.auth).toMatchObject({ identity: "both", validate: { idp_timeout_ms: 5_000, algorithms: ["RS256"] } });
    expect(result.config.servers[1]!.upstream_credential!.token_exchange).toMatchObject({ auth_method: "client_secret_basic" });
    const plain = parseConfig(parseYaml(example));
    if (!plain.ok) throw new Error(plain.problems.join("\n"));
    expect(Object.keys(plain.config.servers[0]!.auth).sort()).toEqual(["key_header", "mode", "upstream_prm", "upstream_prm_ttl_seconds"]);
  });

  it.each([
    ["identity: token without validate", (g: any) => (g.auth.identity = "token"), "servers[0].auth.identity: identity from the token needs `validate`"],
    [
      "claim fields with identity: key",
      (g: any) => Object.assign(g.auth, { validate, consumer_claim: "email" }),
      "servers[0].auth.identity: consumer_claim, consumer_by and consumer_groups_claim need",
    ],
    [
      "unknown_consumer with identity: both",
      (g: any) => Object.assign(g.auth, { validate, identity: "both", unknown_consumer: "dev-user" }),
      "servers[0].auth.unknown_consumer: unknown_consumer applies to `identity: token` only",
    ],
    [
      "an unknown consumer as unknown_consumer",
      (g: any) => Object.assign(g.auth, { validate, identity: "token", unknown_consumer: "nobody" }),
      'servers[0].auth.unknown_consumer: "nobody" is not a consumer',
    ],
    [
      "validate without jwks or introspection",
      (g: any) => (g.auth.validate = { issuer: validate.issuer, audience: validate.audience }),
      "servers[0].auth.validate.jwks: validate needs `jwks` or `introspection`",
    ],
    ["validate without an audience", (g: any) => (g.auth.validate = { issuer: validate.issuer, jwks: validate.jwks }), "servers[0].auth.validate.audience:"],
    ["an HMAC or none algorithm", (g: any) => (g.auth.validate = { ...validate, algorithms: ["HS256"] }), "servers[0].auth.validate.algorithms[0]:"],
    [
      "token_exchange on a passthrough route",
      (g: any) => (g.upstream_credential = { token_exchange: exchange }),
      "servers[0].upstream_credential: upstream_credential applies to token_swap routes",
    ],
    [
      "token_exchange without audience or resource",
      (_g: any, k: any) => Object.assign(k, { upstream_headers: {}, upstream_credential: { token_exchange: { ...exchange, resource: undefined } } }),
      "servers[1].upstream_credential.token_exchange.audience: token_exchange needs `audience` or `resource`",
    ],
    [
      "token_exchange with a stored Authorization too",
      (_g: any, k: any) => (k.upstream_credential = { token_exchange: exchange }),
      "servers[1].upstream_headers: the exchanged token is the route's Authorization",
    ],
    [
      "token_exchange with passthrough_credentials",
      (_g: any, k: any) => Object.assign(k, { upstream_headers: {}, passthrough_credentials: true, upstream_credential: { token_exchange: exchange } }),
      "servers[1].passthrough_credentials: token exchange sends an exchanged token",
    ],
    [
      "a malformed exchange secret reference",
      (_g: any, k: any) => Object.assign(k, { upstream_headers: {}, upstream_credential: { token_exchange: { ...exchange, client_secret: "{vault://nope}" } } }),
      "servers[1].upstream_credential.token_exchange.client_secret: malformed vault reference",
    ],
  ])("refuses %s", (_what, change, problem) => {
    const result = withServer(change as (g: Record<string, any>, k: Record<string, any>) => void);
    expect(result.ok ? [] : result.problems).toEqual([expect.stringContaining(problem)]);
  });
});
/* eslint-enable @typescript-eslint/no-explicit-any */

describe("upstream_credential.per_user", () => {
  const jwk = { kty: "EC", crv: "P-256", x: "x", y: "y", kid: "k1" };
  const withRoute = (auth: Record<string, unknown>, extra: Record<string, unknown>) =>
    parseConfig({
      version: 1,
      gateway: { public_url: "https://gw.example" },
      authorization_server: { issuer: "https://console.example/api/oauth", jwks: { keys: [jwk] } },
      servers: [{ name: "github", path: "/github", upstream: "https://api.example/mcp", auth, ...extra }],
    });

  it("defaults to the Authorization header with the Bearer scheme on a sign_in route", () => {
    const result = withRoute({ mode: "sign_in" }, { upstream_credential: { per_user: {} } });
    if (!result.ok) throw new Error(result.problems.join("\n"));
    expect(result.config.servers[0]!.upstream_credential).toEqual({ per_user: { header: "Authorization", scheme: "Bearer" } });
    const raw = withRoute({ mode: "sign_in" }, { upstream_credential: { per_user: { header: "X-Api-Key", scheme: "" } } });
    expect(raw.ok && raw.config.servers[0]!.upstream_credential!.per_user).toEqual({ header: "X-Api-Key", scheme: "" });
  });

  it.each([
    ["per_user on a passthrough route", { mode: "passthrough" }, {}, "servers[0].upstream_credential: per_user applies to sign_in routes"],
    [
      "per_user on a token_swap route",
      { mode: "token_swap", issuer: "https://idp.example", jwks: { uri: "https://idp.example/jwks" } },
      {},
      "servers[0].upstream_credential: per_user applies to sign_in routes",
    ],
    [
      "upstream_headers setting the same header",
      { mode: "sign_in" },
      { upstream_headers: { authorization: "Bearer shared" } },
      "servers[0].upstream_headers.authorization: authorization carries each user's own credential",
    ],
    [
      "a header the gateway sets itself",
      { mode: "sign_in" },
      { upstream_credential: { per_user: { header: "Content-Length" } } },
      "servers[0].upstream_credential.per_user.header:",
    ],
    ["a scheme of two words", { mode: "sign_in" }, { upstream_credential: { per_user: { scheme: "Bearer x" } } }, "servers[0].upstream_credential.per_user.scheme:"],
    ["an empty upstream_credential", { mode: "sign_in" }, { upstream_credential: {} }, "servers[0].upstream_credential: upstream_credential needs `token_exchange` or `per_user`"],
  ])("refuses %s", (_what, auth, extra, problem) => {
    const result = withRoute(auth, { upstream_credential: { per_user: {} }, ...extra });
    expect(result.ok ? [] : result.problems).toEqual([expect.stringContaining(problem)]);
  });
});

describe("require: confirmation and approval", () => {
  const withRequire = (require: unknown, where: "tool" | "default" = "tool") => {
    const doc = parseYaml(example);
    if (where === "tool") doc.servers[0].acl.tools[1].require = require;
    else doc.servers[0].acl.default.require = require;
    return parseConfig(doc);
  };

  it("accepts an approval on a tool rule and a confirmation on the default rule, with defaults", () => {
    const result = withRequire({ action: "approve", approvers: ["admin"], when: 'args.base == "main"' });
    if (!result.ok) throw new Error(result.problems.join("\n"));
    expect(result.config.servers[0]!.acl.tools[1]!.require).toEqual({
      action: "approve",
      for: ["*"],
      when: 'args.base == "main"',
      approvers: ["admin"],
      self_approval: false,
      expires_seconds: 900,
      wait_seconds: 0,
    });
    const confirm = withRequire({ action: "confirm", for: ["developer", "admin-user"] }, "default");
    if (!confirm.ok) throw new Error(confirm.problems.join("\n"));
    expect(confirm.config.servers[0]!.acl.default.require).toMatchObject({ action: "confirm", for: ["developer", "admin-user"] });
  });

  it.each([
    [{ action: "approve" }, /^servers\[0\]\.acl\.tools\[1\]\.require\.approvers: an approval needs `approvers`/],
    [{ action: "approve", approvers: [] }, /^servers\[0\]\.acl\.tools\[1\]\.require\.approvers: .*>=1/],
    [{ action: "confirm", approvers: ["admin"] }, /^servers\[0\]\.acl\.tools\[1\]\.require\.approvers: the caller confirms their own call/],
    [{ action: "confirm", self_approval: true }, /^servers\[0\]\.acl\.tools\[1\]\.require\.self_approval: self_approval applies to `action: approve`/],
    [{ action: "approve", approvers: ["ops"] }, /^servers\[0\]\.acl\.tools\[1\]\.require\.approvers\[0\]: unknown consumer group "ops"/],
    [{ action: "approve", approvers: ["admin-user"] }, /^servers\[0\]\.acl\.tools\[1\]\.require\.approvers\[0\]: unknown consumer group "admin-user"/],
    [{ action: "confirm", for: ["nobody"] }, /^servers\[0\]\.acl\.tools\[1\]\.require\.for\[0\]: "nobody" is neither a consumer group nor a consumer/],
    [{ action: "confirm", for: [] }, /^servers\[0\]\.acl\.tools\[1\]\.require\.for: .*>=1/],
    [{ action: "confirm", when: "args.base ==" }, /^servers\[0\]\.acl\.tools\[1\]\.require\.when: syntax error/],
    [{ action: "confirm", when: "request.base == 1" }, /^servers\[0\]\.acl\.tools\[1\]\.require\.when: undeclared reference to 'request'/],
    [{ action: "confirm", expires_seconds: 30 }, /^servers\[0\]\.acl\.tools\[1\]\.require\.expires_seconds: /],
    [{ action: "confirm", expires_seconds: 86_401 }, /^servers\[0\]\.acl\.tools\[1\]\.require\.expires_seconds: /],
    [{ action: "confirm", wait_seconds: 301 }, /^servers\[0\]\.acl\.tools\[1\]\.require\.wait_seconds: /],
    [{ action: "ask" }, /^servers\[0\]\.acl\.tools\[1\]\.require\.action: /],
    [{ action: "confirm", approver: ["admin"] }, /^servers\[0\]\.acl\.tools\[1\]\.require: .*approver/],
  ])("refuses %j by path", (require, problem) => {
    const result = withRequire(require);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([expect.stringMatching(problem)]);
  });

  it("checks the default rule's block too", () => {
    const result = withRequire({ action: "approve", approvers: ["ops"], when: "nope(" }, "default");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.stringMatching(/^servers\[0\]\.acl\.default\.require\.approvers\[0\]: unknown consumer group "ops"/),
      expect.stringMatching(/^servers\[0\]\.acl\.default\.require\.when: syntax error/),
    ]);
  });
});
