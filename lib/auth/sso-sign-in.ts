// What happens when someone comes back from the IdP: an existing console user
// (matched by verified email) signs in with their console role; a new one is
// provisioned with the role their groups map to, or refused when none does.
import { recordActivity } from "../console/activity";
import { db } from "../db/client";
import { groupsFromClaims, roleForGroups, type SsoSettings } from "./sso";

export type SsoRefusal = "SsoNoEmail" | "SsoEmailUnverified" | "SsoNoRole" | "SsoDisabled";

export type SsoSignIn = { ok: true; userId: string } | { ok: false; reason: SsoRefusal };

export async function signInWithSso(claims: Record<string, unknown>, settings: SsoSettings): Promise<SsoSignIn> {
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  if (!email) return { ok: false, reason: "SsoNoEmail" };
  // An unverified address could name somebody else's console account.
  if (claims.email_verified === false || claims.email_verified === "false") return { ok: false, reason: "SsoEmailUnverified" };

  const groups = groupsFromClaims(claims, settings.groupsClaim);
  const existing = await db().user.findUnique({ where: { email }, select: { id: true, disabledAt: true } });
  if (existing) {
    if (existing.disabledAt) return { ok: false, reason: "SsoDisabled" };
    // The groups of this sign-in: a sign-in with Portcullis maps them to consumer groups.
    await db().user.update({ where: { id: existing.id }, data: { lastSignInAt: new Date(), idpGroups: groups } });
    return { ok: true, userId: existing.id };
  }

  const role = roleForGroups(groups, settings);
  if (!role) return { ok: false, reason: "SsoNoRole" };
  const name = typeof claims.name === "string" ? claims.name.slice(0, 200) : "";
  const user = await db()
    .$transaction(async (tx) => {
      const created = await tx.user.create({ data: { email, name, role, passwordHash: null, lastSignInAt: new Date(), idpGroups: groups }, select: { id: true, email: true } });
      await recordActivity(tx, created, {
        action: "user.create",
        entityType: "user",
        entityId: created.id,
        entityName: email,
        after: { email, name, role, disabled: false, signIn: "sso", groups },
      });
      return created;
    })
    .catch(async (error: { code?: string }) => {
      // Two first sign-ins at once: the other one created the user.
      if (error?.code !== "P2002") throw error;
      return db().user.findUniqueOrThrow({ where: { email }, select: { id: true } });
    });
  return { ok: true, userId: user.id };
}
