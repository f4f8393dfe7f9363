import { describe, expect, it } from "vitest";
import { groupsFromClaims, parseRoleMap, readSsoSettings, roleForGroups } from "./sso";

const base = { PORTCULLIS_OIDC_ISSUER: "https://idp.example.com/", PORTCULLIS_OIDC_CLIENT_ID: "portcullis", PORTCULLIS_OIDC_CLIENT_SECRET: "s3cret" };

describe("SSO settings from the environment", () => {
  it("are off without an issuer, and refuse stray variables", () => {
    expect(readSsoSettings({})).toBeUndefined();
    expect(() => readSsoSettings({ PORTCULLIS_OIDC_CLIENT_ID: "x" })).toThrow("Invalid environment: PORTCULLIS_OIDC_CLIENT_ID set but PORTCULLIS_OIDC_ISSUER is not");
  });

  it("have safe defaults: refuse unmapped users, groups claim, openid email profile", () => {
    expect(readSsoSettings(base)).toEqual({
      issuer: "https://idp.example.com",
      clientId: "portcullis",
      clientSecret: "s3cret",
      name: "single sign-on",
      roleMap: new Map(),
      groupsClaim: "groups",
      defaultRole: null,
      scopes: "openid email profile",
      trustEmail: false,
    });
    expect(readSsoSettings({ ...base, PORTCULLIS_OIDC_TRUST_EMAIL: "true" })?.trustEmail).toBe(true);
  });

  it.each([
    [{ PORTCULLIS_OIDC_CLIENT_SECRET: "" }, "PORTCULLIS_OIDC_CLIENT_SECRET is required when PORTCULLIS_OIDC_ISSUER is set"],
    [{ PORTCULLIS_OIDC_ROLE_MAP: "admins=root" }, `PORTCULLIS_OIDC_ROLE_MAP "root" in "admins=root" is not a role (admin, developer, viewer)`],
    [{ PORTCULLIS_OIDC_ROLE_MAP: "admins" }, `PORTCULLIS_OIDC_ROLE_MAP "admins" is not group=role`],
    [{ PORTCULLIS_OIDC_DEFAULT_ROLE: "guest" }, "PORTCULLIS_OIDC_DEFAULT_ROLE must be none, admin, developer, viewer"],
    [{ PORTCULLIS_OIDC_ISSUER: "idp.example.com" }, "PORTCULLIS_OIDC_ISSUER must be the IdP's issuer URL"],
    [{ PORTCULLIS_OIDC_TRUST_EMAIL: "yes" }, "PORTCULLIS_OIDC_TRUST_EMAIL must be true or false"],
  ])("name the variable that is wrong: %o", (change, message) => {
    expect(() => readSsoSettings({ ...base, ...change })).toThrow(`Invalid environment: ${message}`);
  });
});

describe("group-to-role mapping", () => {
  const settings = { roleMap: parseRoleMap(" platform-admins=admin, devs=developer ,auditors=viewer,cn=ops=developer"), defaultRole: null };

  it("parses group=role pairs, allowing '=' inside group names", () => {
    expect([...settings.roleMap]).toEqual([
      ["platform-admins", "admin"],
      ["devs", "developer"],
      ["auditors", "viewer"],
      ["cn=ops", "developer"],
    ]);
  });

  it.each([
    [["devs"], "developer"],
    [["auditors", "devs"], "developer"],
    [["devs", "platform-admins", "auditors"], "admin"],
    [["marketing"], null],
    [[], null],
  ])("groups %o → %s", (groups, role) => {
    expect(roleForGroups(groups, settings)).toBe(role);
  });

  it("gives unmapped users the default role when one is set", () => {
    expect(roleForGroups(["marketing"], { ...settings, defaultRole: "viewer" })).toBe("viewer");
  });

  it.each([
    [{ groups: ["a", "b", 3] }, "groups", ["a", "b"]],
    [{ groups: "a b,c" }, "groups", ["a", "b", "c"]],
    [{ realm_access: { roles: ["admins"] } }, "realm_access.roles", ["admins"]],
    [{ "https://example.com/groups": ["x"] }, "https://example.com/groups", ["x"]],
    [{}, "groups", []],
  ])("reads groups from %o at %s", (claims, claim, groups) => {
    expect(groupsFromClaims(claims, claim)).toEqual(groups);
  });
});
