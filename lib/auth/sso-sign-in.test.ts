import { describe, expect, it } from "vitest";
import { useConsoleDatabase } from "../../test/support/console";
import { parseRoleMap, type SsoSettings } from "./sso";
import { signInWithSso } from "./sso-sign-in";

const ctx = useConsoleDatabase();
const settings: SsoSettings = {
  issuer: "https://idp.example.com",
  clientId: "c",
  clientSecret: "s",
  name: "IdP",
  roleMap: parseRoleMap("admins=admin,devs=developer"),
  groupsClaim: "groups",
  defaultRole: null,
  scopes: "openid email profile",
};

describe("signing in with SSO", () => {
  it("refuses claims without an email or with an unverified one, creating nobody", async () => {
    expect(await signInWithSso({ sub: "1", groups: ["admins"] }, settings)).toEqual({ ok: false, reason: "SsoNoEmail" });
    expect(await signInWithSso({ sub: "2", email: "eve@example.com", email_verified: false, groups: ["admins"] }, settings)).toEqual({ ok: false, reason: "SsoEmailUnverified" });
    expect(await ctx.db.user.count({ where: { email: "eve@example.com" } })).toBe(0);
  });

  it("provisions a new user with the mapped role, or the default role, or refuses", async () => {
    const dev = await signInWithSso({ sub: "3", email: "Dev@Example.com", name: "Dev", groups: ["devs"] }, settings);
    expect(dev.ok && (await ctx.db.user.findUniqueOrThrow({ where: { id: dev.userId } }))).toMatchObject({ email: "dev@example.com", role: "developer", passwordHash: null });
    expect(await signInWithSso({ sub: "4", email: "nobody@example.com", groups: ["sales"] }, settings)).toEqual({ ok: false, reason: "SsoNoRole" });
    const viewer = await signInWithSso({ sub: "4", email: "nobody@example.com", groups: ["sales"] }, { ...settings, defaultRole: "viewer" });
    expect(viewer.ok && (await ctx.db.user.findUniqueOrThrow({ where: { id: viewer.userId } })).role).toBe("viewer");
  });

  it("signs an existing user in with the console's role, not the IdP's groups, unless disabled", async () => {
    const existing = await ctx.db.user.create({ data: { email: "known@example.com", role: "viewer" } });
    expect(await signInWithSso({ sub: "5", email: "known@example.com", groups: ["admins"] }, settings)).toEqual({ ok: true, userId: existing.id });
    expect(await ctx.db.user.findUniqueOrThrow({ where: { id: existing.id } })).toMatchObject({ role: "viewer", idpGroups: ["admins"] });
    // Each sign-in records the groups it came with (Sign in with Portcullis maps them to consumer groups).
    await signInWithSso({ sub: "5", email: "known@example.com", groups: [] }, settings);
    expect((await ctx.db.user.findUniqueOrThrow({ where: { id: existing.id } })).idpGroups).toEqual([]);
    await ctx.db.user.update({ where: { id: existing.id }, data: { disabledAt: new Date() } });
    expect(await signInWithSso({ sub: "5", email: "known@example.com", groups: ["admins"] }, settings)).toEqual({ ok: false, reason: "SsoDisabled" });
  });
});
