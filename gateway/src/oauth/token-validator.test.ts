import { describe, expect, it } from "vitest";
import { claimGroups } from "./claim-identity";
import { checkIntrospection, tokenScopes } from "./token-validator";

const now = 1_800_000_000;
const base = { active: true, exp: now + 600, iss: "https://idp", aud: ["https://gw/konnect-mcp", "other"], sub: "alice" };

describe("checkIntrospection (what RFC 7662 leaves to the resource server)", () => {
  it.each([
    ["an active token for this audience", base, true],
    ["aud as a string", { ...base, aud: "https://gw/konnect-mcp" }, true],
    ["no iss (optional in RFC 7662)", { ...base, iss: undefined }, true],
    ["within the clock skew after exp", { ...base, exp: now - 10 }, true],
    ["active: false", { ...base, active: false }, false],
    ['active: "true" (a string)', { ...base, active: "true" }, false],
    ["no exp", { ...base, exp: undefined }, false],
    ["expired beyond the skew", { ...base, exp: now - 60 }, false],
    ["not yet valid", { ...base, nbf: now + 120 }, false],
    ["another issuer", { ...base, iss: "https://evil" }, false],
    ["another audience", { ...base, aud: "https://gw/other" }, false],
    ["no audience", { ...base, aud: undefined }, false],
  ])("%s", (_what, response, ok) => {
    expect(checkIntrospection(response as Record<string, unknown>, "https://idp", "https://gw/konnect-mcp", now).ok).toBe(ok);
  });
});

describe("claims", () => {
  it.each([
    ["developer admin", ["developer", "admin"]],
    [
      ["developer", 3, "admin"],
      ["developer", "admin"],
    ],
    [undefined, []],
    [{ group: "x" }, []],
  ])("groups from %j", (value, groups) => {
    expect(claimGroups(value)).toEqual(groups);
  });

  it("reads scopes from `scope` or `scp`", () => {
    expect([...tokenScopes({ scope: "openid mcp" })]).toEqual(["openid", "mcp"]);
    expect([...tokenScopes({ scp: ["mcp"] })]).toEqual(["mcp"]);
    expect([...tokenScopes({})]).toEqual([]);
  });
});
