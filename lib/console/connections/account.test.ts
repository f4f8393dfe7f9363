import { describe, expect, it } from "vitest";
import { headerValue, isOtherApplication, oauthAccountSchema, perUserOf, upstreamAccountWriteSchema, type UpstreamAccount } from "./account";

const oauth = {
  kind: "oauth",
  authorize_url: "https://github.com/login/oauth/authorize",
  token_url: "https://github.com/login/oauth/access_token",
  client_id: "Iv1.abc",
  client_secret: "{vault://portcullis/github-client-secret}",
  scopes: ["repo", "read:user", "read:org"],
};

const problems = (input: unknown) => {
  const parsed = upstreamAccountWriteSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("the upstream account setting", () => {
  it("takes an OAuth application, a pasted-secret kind, or off, with the header defaults", () => {
    expect(upstreamAccountWriteSchema.parse({ account: oauth })).toEqual({ account: oauth, header: "Authorization", scheme: "Bearer" });
    expect(upstreamAccountWriteSchema.parse({ account: { kind: "static" }, header: "X-Api-Key", scheme: "" })).toEqual({
      account: { kind: "static" },
      header: "X-Api-Key",
      scheme: "",
    });
    expect(upstreamAccountWriteSchema.parse({ account: null }).account).toBeNull();
  });

  it.each([
    ["a plaintext client secret", { account: { ...oauth, client_secret: "hunter2" } }, /account\.client_secret: store the client secret in the vault/],
    ["a reference only the gateway can read", { account: { ...oauth, client_secret: "{vault://env/GITHUB_SECRET}" } }, /account\.client_secret: .*console .*own vault/],
    ["a scope with a space", { account: { ...oauth, scopes: ["repo read:user"] } }, /account\.scopes\.0: a scope is one word/],
    ["a non-http token URL", { account: { ...oauth, token_url: "ftp://example.com/token" } }, /account\.token_url: an http\(s\) URL/],
    ["an unknown kind", { account: { kind: "saml" } }, /account.kind: the kind is "oauth" or "static"/],
    ["a header name with a colon", { account: { kind: "static" }, header: "X:Key" }, /header: a header name/],
    // The gateways' own rules, on the form's fields rather than after compiling.
    ["a header the gateway sets itself", { account: { kind: "static" }, header: "Content-Length" }, /header: this header is set by the gateway itself/],
    ["a scheme of two words", { account: { kind: "static" }, scheme: "Bearer token" }, /scheme: a scheme is one word/],
    ["an unknown field", { account: { ...oauth, client_secret_plain: "x" } }, /account/],
  ])("refuses %s", (_what, input, message) => {
    expect(problems(input).join("\n")).toMatch(message);
  });

  it("reads per_user with its defaults from the stored auth settings", () => {
    expect(perUserOf({ upstream_credential: { per_user: {} } })).toEqual({ header: "Authorization", scheme: "Bearer" });
    expect(perUserOf({ upstream_credential: { per_user: { header: "X-Token", scheme: "" } } })).toEqual({ header: "X-Token", scheme: "" });
    expect(perUserOf({ upstream_credential: { token_exchange: {} } })).toBeUndefined();
    expect(perUserOf({})).toBeUndefined();
  });

  it("builds the header value with or without a scheme", () => {
    expect(headerValue("Bearer", "gho_x")).toBe("Bearer gho_x");
    expect(headerValue("", "pat_x")).toBe("pat_x");
  });

  const app = oauthAccountSchema.parse(oauth);
  it.each<[string, UpstreamAccount, boolean]>([
    ["the same application", { ...app }, false],
    ["other scopes", { ...app, scopes: ["repo"] }, false],
    ["another client secret reference (a rotated secret)", { ...app, client_secret: "{vault://portcullis/github-client-secret-2}" }, false],
    ["another revocation URL", { ...app, revocation_url: "https://api.github.com/revoke" }, false],
    ["another token URL", { ...app, token_url: "https://github.example.com/login/oauth/access_token" }, true],
    ["another authorize URL", { ...app, authorize_url: "https://github.example.com/login/oauth/authorize" }, true],
    ["another client id", { ...app, client_id: "Iv1.other" }, true],
    ["a pasted secret instead", { kind: "static" }, true],
  ])("after an OAuth application, %s is another application: %s", (_what, after, other) => {
    expect(isOtherApplication(app, after)).toBe(other);
  });

  it("tells a pasted secret from an OAuth application, and a pasted secret from itself", () => {
    expect(isOtherApplication({ kind: "static" }, app)).toBe(true);
    expect(isOtherApplication({ kind: "static" }, { kind: "static" })).toBe(false);
  });
});
