// First start: one admin, so somebody can sign in. Credentials come from
// PORTCULLIS_ADMIN_EMAIL / PORTCULLIS_ADMIN_PASSWORD, or are generated and
// returned so the launcher can print them once.
import { randomBytes } from "node:crypto";
import { hashPassword } from "./password";
import type { Db } from "../db/client";

export interface SeededAdmin {
  email: string;
  /** Present only when the password was generated here (print it once). */
  generatedPassword?: string;
}

export async function seedFirstAdmin(db: Db, env: { email?: string; password?: string }): Promise<SeededAdmin | undefined> {
  if ((await db.user.count()) > 0) return undefined;
  const email = (env.email ?? "admin@portcullis.local").toLowerCase();
  const generatedPassword = env.password ? undefined : randomBytes(12).toString("base64url");
  const password = env.password ?? generatedPassword!;
  await db.user.create({ data: { email, name: "Administrator", role: "admin", passwordHash: await hashPassword(password) } });
  await db.activityLog.create({
    data: { actorEmail: "system", action: "user.create", entityType: "user", entityName: email, after: { email, role: "admin" } },
  });
  return { email, generatedPassword };
}
