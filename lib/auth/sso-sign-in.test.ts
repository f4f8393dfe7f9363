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
  trustEmail: false,
};

describe("signing in with SSO", () => {
  it("refuses claims without an email or with an unverified one, creating nobody", async () => {
    expect(await signInWithSso({ sub: "1", groups: ["admins"] }, settings)).toEqual({ ok: false, reason: "SsoNoEmail" });
    expect(await signInWithSso({ email: "eve@example.com", email_verified: true, groups: ["admins"] }, settings)).toEqual({ ok: false, reason: "SsoNoSubject" });
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
    expect(await signInWithSso({ sub: "5", email: "known@example.com", email_verified: true, groups: ["admins"] }, settings)).toEqual({ ok: true, userId: existing.id });
    expect(await ctx.db.user.findUniqueOrThrow({ where: { id: existing.id } })).toMatchObject({ role: "viewer", idpGroups: ["admins"] });
    // Each sign-in records the groups it came with (Sign in with Portcullis maps them to consumer groups).
    await signInWithSso({ sub: "5", email: "known@example.com", groups: [] }, settings);
    expect((await ctx.db.user.findUniqueOrThrow({ where: { id: existing.id } })).idpGroups).toEqual([]);
    await ctx.db.user.update({ where: { id: existing.id }, data: { disabledAt: new Date() } });
    expect(await signInWithSso({ sub: "5", email: "known@example.com", groups: ["admins"] }, settings)).toEqual({ ok: false, reason: "SsoDisabled" });
  });

  it("binds the user to the IdP's sub: a later sign-in with a changed email reaches them; another sub with their email does not", async () => {
    const first = await signInWithSso({ sub: "amy-sub", email: "amy@example.com", groups: ["devs"] }, settings);
    if (!first.ok) throw new Error(first.reason);
    expect(await ctx.db.user.findUniqueOrThrow({ where: { id: first.userId } })).toMatchObject({ ssoIssuer: settings.issuer, ssoSubject: "amy-sub" });
    // The IdP now sends another address (even an unverified one): still Amy, and the console keeps her email.
    expect(await signInWithSso({ sub: "amy-sub", email: "amy.new@example.com", email_verified: false, groups: ["devs"] }, settings)).toEqual(first);
    expect((await ctx.db.user.findUniqueOrThrow({ where: { id: first.userId } })).email).toBe("amy@example.com");
    // Someone else at the IdP with Amy's address, verified or not, even with the setting on.
    for (const claims of [{ email_verified: true }, {}]) {
      expect(await signInWithSso({ sub: "mallory-sub", email: "amy@example.com", groups: ["admins"], ...claims }, { ...settings, trustEmail: true })).toEqual({
        ok: false,
        reason: "SsoOtherIdentity",
      });
    }
    expect(await ctx.db.user.count({ where: { ssoSubject: "mallory-sub" } })).toBe(0);
  });

  it("links an existing account by email only when the IdP verified it, or PORTCULLIS_OIDC_TRUST_EMAIL says its emails are", async () => {
    const admin = await ctx.db.user.create({ data: { email: "root@example.com", role: "admin" } });
    // No email_verified claim (an IdP that lets users set their email): no takeover of the admin's account.
    expect(await signInWithSso({ sub: "attacker", email: "Root@Example.com", groups: ["devs"] }, settings)).toEqual({ ok: false, reason: "SsoEmailUnconfirmed" });
    expect(await ctx.db.user.findUniqueOrThrow({ where: { id: admin.id } })).toMatchObject({ ssoSubject: null, lastSignInAt: null });
    expect(await ctx.db.user.count({ where: { email: "root@example.com" } })).toBe(1);
    // The admin says this IdP's emails can be trusted: linked and bound, with an activity entry.
    expect(await signInWithSso({ sub: "root-sub", email: "root@example.com", groups: [] }, { ...settings, trustEmail: true })).toEqual({ ok: true, userId: admin.id });
    expect(await ctx.db.user.findUniqueOrThrow({ where: { id: admin.id } })).toMatchObject({ ssoIssuer: settings.issuer, ssoSubject: "root-sub", role: "admin" });
    expect(await ctx.db.activityLog.findFirst({ where: { action: "user.update", entityId: admin.id } })).toMatchObject({ after: { ssoSubject: "root-sub", signIn: "sso" } });
    // A verified email links too; an explicit email_verified: false never does, setting or not.
    const viewer = await ctx.db.user.create({ data: { email: "vic@example.com", role: "viewer" } });
    expect(await signInWithSso({ sub: "vic-sub", email: "vic@example.com", email_verified: false }, { ...settings, trustEmail: true })).toEqual({
      ok: false,
      reason: "SsoEmailUnverified",
    });
    expect(await signInWithSso({ sub: "vic-sub", email: "vic@example.com", email_verified: "true" }, settings)).toEqual({ ok: true, userId: viewer.id });
    // Entra ID's verified-domain claim vouches too.
    const entra = await ctx.db.user.create({ data: { email: "ed@example.com", role: "viewer" } });
    expect(await signInWithSso({ sub: "ed-oid", email: "ed@example.com", xms_edov: true }, settings)).toEqual({ ok: true, userId: entra.id });
  });

  it("re-binds a user bound at an issuer that is no longer configured, by verified email", async () => {
    const moved = await ctx.db.user.create({ data: { email: "moved@example.com", role: "developer", ssoIssuer: "https://old-idp.example.com", ssoSubject: "old" } });
    expect(await signInWithSso({ sub: "new", email: "moved@example.com" }, settings)).toEqual({ ok: false, reason: "SsoEmailUnconfirmed" });
    expect(await signInWithSso({ sub: "new", email: "moved@example.com", email_verified: true }, settings)).toEqual({ ok: true, userId: moved.id });
    expect(await ctx.db.user.findUniqueOrThrow({ where: { id: moved.id } })).toMatchObject({ ssoIssuer: settings.issuer, ssoSubject: "new" });
  });

  it("two first sign-ins of one new user at once make one user", async () => {
    const both = await Promise.all([0, 1].map(() => signInWithSso({ sub: "twin", email: "twin@example.com", groups: ["devs"] }, settings)));
    expect(both[0]).toEqual(both[1]);
    expect(await ctx.db.user.count({ where: { email: "twin@example.com" } })).toBe(1);
  });
});
