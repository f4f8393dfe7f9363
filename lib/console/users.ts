// Console users and their roles. Two rules keep the console administrable:
// an admin cannot take away their own admin role (demote, disable, delete
// themselves), and nobody can remove the last active admin. Both are checked
// with the active admins' rows locked, so two admins demoting each other at
// the same moment cannot leave the console without one. A user disabled or
// deleted loses their sign-ins with Portcullis (the grants of the consumers
// they act as), and those consumers leave the gateways' configuration, so
// their keys and access tokens stop at once (lib/controlplane/snapshot.ts).
// A deleted one's consumers are disabled, for an admin to enable again (their
// keys are secrets the person still holds), and their upstream connections
// removed, so a later user with the same email inherits none of it.
// A password reset, and "sign out everywhere" (by the user or an admin), end
// the user's console sessions signed in before it (sessionsValidAfter,
// checked by lib/auth/session.ts).
import { randomBytes } from "node:crypto";
import type { z } from "zod";
import { hashPassword } from "../auth/password";
import type { Role } from "../auth/roles";
import type { CurrentUser } from "../auth/session";
import { db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { consumerNameFor } from "../oauth-server/consumer-name";
import { revokeAccountsGrants } from "../oauth-server/grants";
import { recordActivity } from "./activity";
import { ConsoleError, notFound } from "./errors";
import type { passwordResetSchema, userCreateSchema, userUpdateSchema } from "./schemas/user";

type Tx = Prisma.TransactionClient;

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  /** False for users who sign in with single sign-on only. */
  hasPassword: boolean;
  lastSignInAt: string | null;
  createdAt: string;
  consumers: number;
}

const userSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  disabledAt: true,
  passwordHash: true,
  lastSignInAt: true,
  createdAt: true,
  _count: { select: { consumers: true } },
} satisfies Prisma.UserSelect;

function toView(user: Prisma.UserGetPayload<{ select: typeof userSelect }>): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    disabled: user.disabledAt !== null,
    hasPassword: user.passwordHash !== null,
    lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
    consumers: user._count.consumers,
  };
}

/** What the activity log keeps of a user: never the password or its hash. */
const snapshot = (user: { email: string; name: string; role: Role; disabledAt: Date | null }) => ({
  email: user.email,
  name: user.name,
  role: user.role,
  disabled: user.disabledAt !== null,
});

export async function listUsers(): Promise<UserView[]> {
  const users = await db().user.findMany({ orderBy: { email: "asc" }, select: userSelect });
  return users.map(toView);
}

const generatePassword = () => randomBytes(15).toString("base64url");

async function passwordFor(input: { passwordMode: string; password?: string }): Promise<{ hash: string | null; shown?: string }> {
  if (input.passwordMode === "sso") return { hash: null };
  const password = input.passwordMode === "set" ? input.password! : generatePassword();
  return { hash: await hashPassword(password), ...(input.passwordMode === "generate" ? { shown: password } : {}) };
}

export interface CreatedUser {
  user: UserView;
  /** A generated initial password, shown to the admin once. */
  password?: string;
}

export async function createUser(actor: CurrentUser, input: z.infer<typeof userCreateSchema>): Promise<CreatedUser> {
  const password = await passwordFor(input);
  return db().$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
      throw new ConsoleError("conflict", "Some fields need attention.", { email: "a user with this email exists" });
    }
    const user = await tx.user.create({ data: { email: input.email, name: input.name, role: input.role, passwordHash: password.hash }, select: userSelect });
    await recordActivity(tx, actor, {
      action: "user.create",
      entityType: "user",
      entityId: user.id,
      entityName: user.email,
      after: { ...snapshot(user), signIn: password.hash ? "password" : "sso" },
    });
    return { user: toView(user), ...(password.shown ? { password: password.shown } : {}) };
  });
}

/** Refuses a change that would leave the console without an active admin, or an admin without their own admin role. */
async function assertAdminsRemain(tx: Tx, actor: CurrentUser, target: { id: string; email: string; role: Role; disabledAt: Date | null }, change: "demote" | "disable" | "delete") {
  const wasActiveAdmin = target.role === "admin" && target.disabledAt === null;
  if (!wasActiveAdmin) return;
  if (target.id === actor.id) {
    const what = { demote: "change your own admin role", disable: "disable your own account", delete: "delete your own account" }[change];
    throw new ConsoleError("conflict", `You cannot ${what}. Ask another admin to do it.`);
  }
  // Lock every active admin's row: a concurrent demotion waits here and then sees this one's result.
  const admins = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "User" WHERE role = 'admin' AND "disabledAt" IS NULL FOR UPDATE`;
  if (admins.filter((a) => a.id !== target.id).length === 0) {
    throw new ConsoleError("conflict", `${target.email} is the last active admin. Make another user an admin first.`);
  }
}

/** The consumers a user acts as (consumer-name.ts belongsToAny): those they own, and the unowned one their email names. */
async function signInConsumers(tx: Tx, user: { id: string; email: string }): Promise<string[]> {
  const named = consumerNameFor(user.email);
  const rows = await tx.consumer.findMany({ where: { OR: [{ ownerUserId: user.id }, ...(named ? [{ username: named, ownerUserId: null }] : [])] }, select: { username: true } });
  return rows.map((c) => c.username);
}

export async function updateUser(actor: CurrentUser, id: string, input: z.infer<typeof userUpdateSchema>): Promise<UserView> {
  return db().$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id }, select: userSelect });
    if (!before) throw notFound("This user");
    if (input.role !== undefined && input.role !== "admin") await assertAdminsRemain(tx, actor, before, "demote");
    if (input.disabled === true) await assertAdminsRemain(tx, actor, before, "disable");
    const user = await tx.user.update({
      where: { id },
      data: {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(input.disabled !== undefined ? { disabledAt: input.disabled ? (before.disabledAt ?? new Date()) : null } : {}),
      },
      select: userSelect,
    });
    const disabling = input.disabled === true && before.disabledAt === null;
    const revokedGrants = disabling ? await revokeAccountsGrants(tx, await signInConsumers(tx, before)) : 0;
    await recordActivity(tx, actor, {
      action: "user.update",
      entityType: "user",
      entityId: id,
      entityName: user.email,
      before: snapshot(before),
      after: { ...snapshot(user), ...(disabling ? { revokedGrants } : {}) },
    });
    return toView(user);
  });
}

export async function resetPassword(actor: CurrentUser, id: string, input: z.infer<typeof passwordResetSchema>): Promise<{ password?: string }> {
  const password = await passwordFor(input);
  return db().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id }, select: { email: true } });
    if (!user) throw notFound("This user");
    // Whoever knew the old password may hold a session signed in with it: those end too.
    await tx.user.update({ where: { id }, data: { passwordHash: password.hash, sessionsValidAfter: new Date() } });
    await recordActivity(tx, actor, { action: "user.password_reset", entityType: "user", entityId: id, entityName: user.email, after: { passwordMode: input.passwordMode } });
    return password.shown ? { password: password.shown } : {};
  });
}

/** Ends every console session of the user signed in until now (theirs on any device, or someone's who took their cookie). */
export async function signOutEverywhere(actor: CurrentUser, id: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id }, select: { email: true } });
    if (!user) throw notFound("This user");
    await tx.user.update({ where: { id }, data: { sessionsValidAfter: new Date() } });
    await recordActivity(tx, actor, { action: "user.sign_out_everywhere", entityType: "user", entityId: id, entityName: user.email });
  });
}

export async function deleteUser(actor: CurrentUser, id: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id }, select: userSelect });
    if (!before) throw notFound("This user");
    await assertAdminsRemain(tx, actor, before, "delete");
    const consumers = await signInConsumers(tx, before);
    const revokedGrants = await revokeAccountsGrants(tx, consumers);
    // Their own upstream accounts' tokens, which a later user of the same email would otherwise be handed.
    const { count: removedConnections } = await tx.upstreamConnection.deleteMany({ where: { consumer: { username: { in: consumers } } } });
    // Disabled before the owner link goes (ON DELETE SET NULL), which would otherwise put them back in the configuration.
    const { count: disabledConsumers } = await tx.consumer.updateMany({ where: { username: { in: consumers }, disabledAt: null }, data: { disabledAt: new Date() } });
    // Their activity keeps their email.
    await tx.user.delete({ where: { id } });
    await recordActivity(tx, actor, {
      action: "user.delete",
      entityType: "user",
      entityId: id,
      entityName: before.email,
      before: snapshot(before),
      after: { revokedGrants, removedConnections, disabledConsumers },
    });
  });
}
