// What happens when someone comes back from the IdP. A console user is bound to
// the IdP's identity (issuer and `sub`) at their first single sign-on and found
// by it afterwards, whatever email the IdP then sends. An existing console user
// not yet bound is matched by email only when the IdP vouches for it
// (`email_verified: true`, Entra ID's `xms_edov: true`, or
// PORTCULLIS_OIDC_TRUST_EMAIL when it sends neither): IdPs such as multi-tenant Entra ID let users set their own email, and
// an unvouched one could name an admin's account (the nOAuth pattern). A new
// user is provisioned with the role their groups map to, or refused when none does.
import { recordActivity } from "../console/activity";
import { db } from "../db/client";
import { groupsFromClaims, roleForGroups, type SsoSettings } from "./sso";

export type SsoRefusal = "SsoNoSubject" | "SsoNoEmail" | "SsoEmailUnverified" | "SsoEmailUnconfirmed" | "SsoOtherIdentity" | "SsoNoRole" | "SsoDisabled";

export type SsoSignIn = { ok: true; userId: string } | { ok: false; reason: SsoRefusal };

const claimedTrue = (value: unknown) => value === true || value === "true";
const claimedFalse = (value: unknown) => value === false || value === "false";
/** Another sign-in got there first: a unique constraint, or a row it bound before this one could. */
class BoundMeanwhile extends Error {}
const lostRace = (error: unknown) => error instanceof BoundMeanwhile || (error as { code?: string } | undefined)?.code === "P2002";

export async function signInWithSso(claims: Record<string, unknown>, settings: SsoSettings, retried = false): Promise<SsoSignIn> {
  const subject = typeof claims.sub === "string" ? claims.sub : "";
  if (!subject) return { ok: false, reason: "SsoNoSubject" };
  const identity = { ssoIssuer: settings.issuer, ssoSubject: subject };
  const groups = groupsFromClaims(claims, settings.groupsClaim);
  // The groups of this sign-in: a sign-in with Portcullis maps them to consumer groups.
  const signedIn = { lastSignInAt: new Date(), idpGroups: groups };
  const retry = async (error: unknown) => {
    if (retried || !lostRace(error)) throw error;
    return signInWithSso(claims, settings, true);
  };

  const bound = await db().user.findUnique({ where: { ssoIssuer_ssoSubject: identity }, select: { id: true, disabledAt: true } });
  if (bound) {
    if (bound.disabledAt) return { ok: false, reason: "SsoDisabled" };
    await db().user.update({ where: { id: bound.id }, data: signedIn });
    return { ok: true, userId: bound.id };
  }

  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  if (!email) return { ok: false, reason: "SsoNoEmail" };
  // An unverified address could name somebody else's console account.
  if (claimedFalse(claims.email_verified)) return { ok: false, reason: "SsoEmailUnverified" };

  const existing = await db().user.findUnique({ where: { email }, select: { id: true, email: true, disabledAt: true, ssoIssuer: true, ssoSubject: true } });
  if (existing) {
    // Bound to another identity at this IdP: the same address does not make it the same person.
    if (existing.ssoIssuer === settings.issuer && existing.ssoSubject !== null) return { ok: false, reason: "SsoOtherIdentity" };
    // Entra ID sends no email_verified; its optional claim xms_edov says the tenant owns the address's domain.
    const vouched = claimedTrue(claims.email_verified) || claimedTrue(claims.xms_edov);
    if (!vouched && !settings.trustEmail) return { ok: false, reason: "SsoEmailUnconfirmed" };
    if (existing.disabledAt) return { ok: false, reason: "SsoDisabled" };
    // Bound now (a binding to an issuer no longer configured is replaced), unless another sign-in bound it first.
    const linked = await db()
      .$transaction(async (tx) => {
        const { count } = await tx.user.updateMany({
          where: { id: existing.id, OR: [{ ssoIssuer: null }, { ssoSubject: null }, { NOT: { ssoIssuer: settings.issuer } }] },
          data: { ...identity, ...signedIn },
        });
        if (count === 0) throw new BoundMeanwhile();
        await recordActivity(tx, existing, {
          action: "user.update",
          entityType: "user",
          entityId: existing.id,
          entityName: existing.email,
          before: { ssoIssuer: existing.ssoIssuer, ssoSubject: existing.ssoSubject },
          after: { ...identity, signIn: "sso" },
        });
        return { ok: true as const, userId: existing.id };
      })
      .catch(retry);
    return linked;
  }

  const role = roleForGroups(groups, settings);
  if (!role) return { ok: false, reason: "SsoNoRole" };
  const name = typeof claims.name === "string" ? claims.name.slice(0, 200) : "";
  return db()
    .$transaction(async (tx) => {
      const created = await tx.user.create({ data: { email, name, role, passwordHash: null, ...identity, ...signedIn }, select: { id: true, email: true } });
      await recordActivity(tx, created, {
        action: "user.create",
        entityType: "user",
        entityId: created.id,
        entityName: email,
        after: { email, name, role, disabled: false, signIn: "sso", groups, ...identity },
      });
      return { ok: true as const, userId: created.id };
    })
    .catch(retry); // Two first sign-ins at once: the other one created the user (bound to its identity).
}
