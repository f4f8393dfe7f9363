import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/schema";
import { fieldErrors } from "../validation";
import { serverInputSchema } from "./server";

const github = {
  name: "github",
  path: "/github-mcp",
  upstream: "https://api.githubcopilot.com/mcp/",
  auth: { mode: "passthrough", upstream_prm: "https://api.githubcopilot.com/.well-known/oauth-protected-resource/mcp/" },
  upstream_headers: { "X-MCP-Toolsets": "repos,issues" },
};

const konnect = {
  name: "konnect",
  path: "/konnect-mcp",
  upstream: "https://us.mcp.konghq.com/",
  auth: {
    mode: "token_swap",
    issuer: "https://idp.example.com/realms/agents",
    introspection: { endpoint: "https://idp.example.com/introspect", client_id: "gateway", client_secret: "{vault://portcullis/idp-secret}" },
    scopes_supported: ["openid", "mcp"],
    consumer_groups_claim: "groups",
  },
  upstream_headers: { Authorization: "Bearer {vault://portcullis/konnect-token}" },
};

function errorsOf(input: unknown): Record<string, string> {
  const result = serverInputSchema.safeParse(input);
  return result.success ? {} : fieldErrors(result.error);
}

describe("MCP server settings", () => {
  it("accepts both auth modes and fills the config's defaults", () => {
    expect(serverInputSchema.parse(github)).toMatchObject({ auth: { key_header: "apikey" }, timeout_ms: 60_000, cors: { origins: [] } });
    expect(serverInputSchema.parse(konnect)).toMatchObject({ auth: { consumer_claim: "sub", consumer_by: "username", unknown_consumer: "reject" } });
  });

  it("compiles every accepted server into a valid gateway config", () => {
    for (const input of [github, konnect]) {
      const server = serverInputSchema.parse(input);
      const result = parseConfig({ version: 1, servers: [server] });
      if (!result.ok) throw new Error(result.problems.join("\n"));
    }
  });

  it.each([
    ["a route path without a slash", { ...github, path: "github" }, "path", "starts with '/'"],
    ["a reserved route path", { ...github, path: "/.well-known/x" }, "path", "reserved"],
    ["a non-http upstream", { ...github, upstream: "ftp://example.com" }, "upstream", "http(s) URL"],
    ["an empty name", { ...github, name: "" }, "name", "required"],
    ["Authorization as the key header", { ...github, auth: { mode: "passthrough", key_header: "Authorization" } }, "auth.key_header", "cannot be Authorization"],
    ["token swap without a way to validate tokens", { ...konnect, auth: { ...konnect.auth, introspection: undefined } }, "auth.introspection", "needs `introspection` or `jwks`"],
    ["a bad header name", { ...github, upstream_headers: { "X Bad": "1" } }, "upstream_headers.X Bad", "letters, digits and '-'"],
    ["a malformed vault reference", { ...github, upstream_headers: { "X-Token": "{vault://nowhere/x}" } }, "upstream_headers.X-Token", "malformed vault reference"],
    ["a timeout below 100 ms", { ...github, timeout_ms: 5 }, "timeout_ms", ">=100"],
    ["a CORS origin that is not a URL", { ...github, cors: { origins: ["example.com"] } }, "cors.origins.0", "URL"],
    ["an Authorization header on a passthrough route (the config's rule)", { ...github, upstream_headers: { Authorization: "Bearer {vault://portcullis/t}" } }, "upstream_headers", "forwards the caller's own Authorization"],
    ["identity from the token without validation (the config's rule)", { ...github, auth: { ...github.auth, identity: "token" } }, "auth.identity", "needs `validate`"],
    ["an ACL (edited in the matrix, not here)", { ...github, acl: { default: {}, tools: [] } }, "_", "acl"],
  ])("refuses %s, naming the field", (_, input, field, message) => {
    const errors = errorsOf(input);
    expect(Object.keys(errors)).toContain(field);
    expect(errors[field]).toContain(message);
  });

  it.each([
    ["a plain client secret", { ...konnect, auth: { ...konnect.auth, introspection: { ...konnect.auth.introspection, client_secret: "s3cret" } } }, "auth.introspection.client_secret"],
    ["a plain Authorization header", { ...konnect, upstream_headers: { Authorization: "Bearer ghp_abc" } }, "upstream_headers.Authorization"],
    ["a plain API key header", { ...github, upstream_headers: { "X-Api-Key": "abc" } }, "upstream_headers.X-Api-Key"],
  ])("refuses %s: credentials are stored as vault references", (_, input, field) => {
    expect(errorsOf(input)[field]).toContain("vault");
  });

  it("accepts plain values in headers that carry no credential", () => {
    expect(errorsOf({ ...github, upstream_headers: { "X-MCP-Readonly": "true", "X-MCP-Toolsets": "repos" } })).toEqual({});
  });
});
