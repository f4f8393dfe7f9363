// Who is asking, checked on the server for every page and endpoint. The role
// is read from the database on each request, so a role change or a disabled
// account takes effect at once rather than when the session cookie expires.
import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { db } from "../db/client";
import { authOptions } from "./options";
import type { Role } from "./roles";

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** Once per server render (layouts and the page share it); route handlers call it once anyway. */
export const currentUser = cache(async function currentUser(): Promise<CurrentUser | undefined> {
  const session = await getServerSession(authOptions);
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return undefined;
  const user = await db().user.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true, disabledAt: true } });
  if (!user || user.disabledAt) return undefined;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
});

/** For pages: redirect to sign-in when signed out, render the 403 page when the role may not. */
export async function requirePageRole(roles: readonly Role[]): Promise<CurrentUser> {
  const user = await currentUser();
  if (!user) redirect("/signin");
  if (!roles.includes(user.role)) forbidden();
  return user;
}
