// upstream_credential.per_user: where the config accepts each user's own upstream credential, and where not.
import { describe, expect, it } from "vitest";
import { parseConfig } from "./schema";

const server = (extra: Record<string, unknown>) => ({
  version: 1,
  gateway: { public_url: "https://gateway.example.com" },
  servers: [{ name: "github", path: "/github", upstream: "https://api.example.com/mcp", auth: { mode: "sign_in" }, ...extra }],
});

const problems = (document: unknown) => {
  const result = parseConfig(document);
  return result.ok ? [] : result.problems;
};

describe("upstream_credential.per_user", () => {
  it("takes a sign_in route, with Authorization: Bearer by default", () => {
    const result = parseConfig(server({ upstream_credential: { per_user: {} } }));
    expect(result.ok && result.config.servers[0]!.upstream_credential).toEqual({ per_user: { header: "Authorization", scheme: "Bearer" } });
  });

  it.each([
    ["on a passthrough route", { auth: { mode: "passthrough" }, upstream_credential: { per_user: {} } }, /per_user applies to sign_in routes/],
    [
      "beside token_exchange",
      { upstream_credential: { per_user: {}, token_exchange: { endpoint: "https://idp.example.com/token", client_id: "c", client_secret: "s", audience: "a" } } },
      /either token_exchange or per_user/,
    ],
    [
      "with upstream_headers setting the same header",
      { upstream_headers: { authorization: "Bearer shared" }, upstream_credential: { per_user: {} } },
      /user's own credential is the route's Authorization header/,
    ],
  ])("is refused %s", (_what, extra, message) => {
    expect(problems(server(extra)).join("\n")).toMatch(message);
  });
});
