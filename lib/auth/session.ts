// Who is asking, checked on the server for every page and endpoint. The role
// is read from the database on each request, so a role change or a disabled
// account takes effect at once rather than when the session cookie expires.
// So does a password reset or "sign out everywhere" (sessionsValidAfter): a
// session signed in before it is refused, as is one signed in longer ago than
// SESSION_MAX_AGE_S, however recently next-auth re-issued its cookie.
import { getServerSession, type Session } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { db } from "../db/client";
import { authOptions, SESSION_MAX_AGE_S } from "./options";
import type { Role } from "./roles";

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** Once per server render (layouts and the page share it); route handlers call it once anyway. */
export const currentUser = cache(async function currentUser(): Promise<CurrentUser | undefined> {
  return sessionUser(await getServerSession(authOptions));
});

/** The user a session (as next-auth's session callback shapes it) stands for, if it is still valid. */
export async function sessionUser(session: Session | null, now = Date.now()): Promise<CurrentUser | undefined> {
  const id = (session?.user as { id?: string } | undefined)?.id;
  const authTime = (session as { authTime?: unknown } | null)?.authTime;
  // A token without a sign-in time predates it (or was not made at sign-in): refused, the user signs in again.
  if (!id || typeof authTime !== "number" || !Number.isFinite(authTime)) return undefined;
  if (now - authTime >= SESSION_MAX_AGE_S * 1000) return undefined;
  const user = await db().user.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true, disabledAt: true, sessionsValidAfter: true } });
  if (!user || user.disabledAt) return undefined;
  if (user.sessionsValidAfter && authTime < user.sessionsValidAfter.getTime()) return undefined;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** For pages: redirect to sign-in when signed out, render the 403 page when the role may not. */
export async function requirePageRole(roles: readonly Role[]): Promise<CurrentUser> {
  const user = await currentUser();
  if (!user) redirect("/signin");
  if (!roles.includes(user.role)) forbidden();
  return user;
}
