import { describe, expect, it } from "vitest";
import { useConsoleDatabase } from "../../test/support/console";
import { verifyPassword } from "../auth/password";
import { ConsoleError } from "./errors";
import { userCreateSchema } from "./schemas/user";
import { parseConfig } from "../core/config/schema";
import { compileConfig } from "../config/compile";
import { loadConfigSnapshot } from "../controlplane/snapshot";
import { getConsumer } from "./consumers";
import { createUser, deleteUser, resetPassword, updateUser } from "./users";

const ctx = useConsoleDatabase();

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConsoleError);
  return (error as ConsoleError).message;
}

describe("console users", () => {
  it("creates a user with a generated password shown once, stored only as a hash, never logged", async () => {
    const admin = await ctx.user();
    const { user, password } = await createUser(admin, userCreateSchema.parse({ email: " New.Dev@Example.COM ", name: "Dev", role: "developer" }));
    expect(user).toMatchObject({ email: "new.dev@example.com", role: "developer", hasPassword: true, disabled: false });
    expect(password).toHaveLength(20);
    const stored = await ctx.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(password!, stored.passwordHash!)).toBe(true);
    const logs = JSON.stringify(await ctx.db.activityLog.findMany({ where: { entityId: user.id } }));
    expect(logs).not.toContain(password);
    expect(logs).not.toContain(stored.passwordHash);

    const sso = await createUser(admin, userCreateSchema.parse({ email: "sso@example.com", role: "viewer", passwordMode: "sso" }));
    expect(sso.password).toBeUndefined();
    expect(sso.user.hasPassword).toBe(false);

    const set = userCreateSchema.safeParse({ email: "x@example.com", role: "viewer", passwordMode: "set", password: "short" });
    expect(set.error?.issues[0]).toMatchObject({ path: ["password"], message: "at least 12 characters" });
    expect(await refusal(createUser(admin, userCreateSchema.parse({ email: "NEW.DEV@example.com", role: "viewer" })))).toBe("Some fields need attention.");
  });

  it("resets a password to one the admin sets, which then verifies", async () => {
    const admin = await ctx.user();
    const target = await ctx.user("viewer");
    expect(await resetPassword(admin, target.id, { passwordMode: "set", password: "correct horse battery" })).toEqual({});
    const stored = await ctx.db.user.findUniqueOrThrow({ where: { id: target.id } });
    expect(await verifyPassword("correct horse battery", stored.passwordHash!)).toBe(true);
  });

  it("an admin cannot demote, disable or delete themselves", async () => {
    const admin = await ctx.user();
    await ctx.user("admin");
    expect(await refusal(updateUser(admin, admin.id, { role: "viewer" }))).toBe("You cannot change your own admin role. Ask another admin to do it.");
    expect(await refusal(updateUser(admin, admin.id, { disabled: true }))).toBe("You cannot disable your own account. Ask another admin to do it.");
    expect(await refusal(deleteUser(admin, admin.id))).toBe("You cannot delete your own account. Ask another admin to do it.");
    expect(await updateUser(admin, admin.id, { name: "Still me" })).toMatchObject({ name: "Still me", role: "admin" });
  });

  it("logs role and status changes with before and after", async () => {
    const admin = await ctx.user();
    const target = await ctx.user("viewer");
    await updateUser(admin, target.id, { role: "developer", disabled: true });
    const log = await ctx.db.activityLog.findFirstOrThrow({ where: { entityId: target.id, action: "user.update" } });
    expect(log).toMatchObject({ before: { role: "viewer", disabled: false }, after: { role: "developer", disabled: true } });
    expect((await updateUser(admin, target.id, { disabled: false })).disabled).toBe(false);
  });
});

describe("the last active admin", () => {
  it("cannot be removed, even by two admins demoting each other at the same moment", async () => {
    await ctx.db.user.updateMany({ where: { role: "admin" }, data: { role: "viewer" } });
    const [a, b] = [await ctx.user("admin"), await ctx.user("admin")];
    const results = await Promise.allSettled([updateUser(a, b.id, { role: "developer" }), updateUser(b, a.id, { role: "developer" })]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const remaining = await ctx.db.user.findMany({ where: { role: "admin", disabledAt: null } });
    expect(remaining).toHaveLength(1);

    const last = remaining[0]!;
    const other = last.id === a.id ? b : a;
    await ctx.db.user.update({ where: { id: other.id }, data: { role: "admin", disabledAt: new Date() } });
    // A disabled admin does not count: the last active one can still not be demoted, disabled or deleted (by anyone).
    const actor = { ...other, role: "admin" as const };
    expect(await refusal(updateUser(actor, last.id, { role: "viewer" }))).toBe(`${last.email} is the last active admin. Make another user an admin first.`);
    expect(await refusal(updateUser(actor, last.id, { disabled: true }))).toContain("is the last active admin");
    expect(await refusal(deleteUser(actor, last.id))).toContain("is the last active admin");
    // Deleting the disabled admin is fine.
    await deleteUser({ ...last, role: "admin" }, other.id);
  });
});

describe("a user who signs in with Portcullis", () => {
  const grant = (accountId: string, id: string) =>
    Promise.all([
      ctx.db.oAuthRecord.create({ data: { model: "Grant", id, payload: { accountId, clientId: "https://client.example/cimd.json" } } }),
      ctx.db.oAuthRecord.create({ data: { model: "RefreshToken", id: `${id}-refresh`, grantId: id, payload: { accountId, grantId: id } } }),
    ]);
  const signIns = async () => (await ctx.db.oAuthRecord.findMany({ where: { model: { in: ["Grant", "RefreshToken"] } }, orderBy: { id: "asc" } })).map((r) => r.id);

  it("disabled, loses their MCP clients' sign-ins; deleted, their upstream connections too, so a later user of the email inherits neither", async () => {
    const admin = await ctx.user();
    const person = await ctx.user("developer");
    const named = await ctx.db.consumer.create({ data: { username: person.email.toLowerCase() } });
    await ctx.db.consumer.create({ data: { username: "their-bot", ownerUserId: person.id } });
    await ctx.db.consumer.create({ data: { username: "someone-else" } });
    await grant(named.username, "g1");
    await grant("their-bot", "g2");
    await grant("someone-else", "g3");

    await updateUser(admin, person.id, { disabled: true });
    expect(await signIns()).toEqual(["g3", "g3-refresh"]);
    expect(await ctx.db.activityLog.findFirstOrThrow({ where: { entityId: person.id, action: "user.update" } })).toMatchObject({ after: { disabled: true, revokedGrants: 2 } });

    await updateUser(admin, person.id, { disabled: false });
    await grant(named.username, "g4");
    const server = await ctx.db.mcpServer.create({ data: { name: "own", path: "/own", upstreamUrl: "https://api.example.com/mcp", authMode: "sign_in", authSettings: {} } });
    await ctx.db.upstreamConnection.create({ data: { consumerId: named.id, serverId: server.id, accessCiphertext: "v1:x:y:z" } });
    await deleteUser(admin, person.id);
    expect(await signIns()).toEqual(["g3", "g3-refresh"]);
    expect(await ctx.db.upstreamConnection.count()).toBe(0);
    expect(await ctx.db.activityLog.findFirstOrThrow({ where: { entityId: person.id, action: "user.delete" } })).toMatchObject({
      after: { revokedGrants: 1, removedConnections: 1, disabledConsumers: 2 },
    });
    // The consumers stay, without an owner and disabled, for an admin to enable again; the others are untouched.
    expect(await ctx.db.consumer.findUnique({ where: { username: "their-bot" } })).toMatchObject({ ownerUserId: null, disabledAt: expect.any(Date) });
    expect(await ctx.db.consumer.findUnique({ where: { username: named.username } })).toMatchObject({ disabledAt: expect.any(Date) });
    expect(await ctx.db.consumer.findUnique({ where: { username: "someone-else" } })).toMatchObject({ disabledAt: null });
  });

  it("a consumer named by a disabled user's email but owned by someone else is the owner's: it stays in the configuration", async () => {
    const admin = await ctx.user();
    const person = await ctx.user("developer");
    const owner = await ctx.user("developer");
    const named = await ctx.db.consumer.create({ data: { username: person.email.toLowerCase(), ownerUserId: owner.id } });
    await updateUser(admin, person.id, { disabled: true });
    expect((compileConfig(await loadConfigSnapshot(ctx.db)).consumers ?? []).map((c) => c.username)).toContain(named.username);
    expect(await getConsumer(named.id)).toMatchObject({ userDisabled: false });
    await updateUser(admin, owner.id, { disabled: true });
    expect((compileConfig(await loadConfigSnapshot(ctx.db)).consumers ?? []).map((c) => c.username)).not.toContain(named.username);
    expect(await getConsumer(named.id)).toMatchObject({ userDisabled: true });
  });

  it("disabled, their consumers leave the gateways' configuration with whatever names them, which still validates; enabled again, all of it returns", async () => {
    const admin = await ctx.user();
    const person = await ctx.user("developer");
    const named = await ctx.db.consumer.create({ data: { username: person.email.toLowerCase() } });
    const bot = await ctx.db.consumer.create({ data: { username: "their-agent", ownerUserId: person.id } });
    await ctx.db.consumer.create({ data: { username: "bystander" } });
    const server = await ctx.db.mcpServer.create({
      data: {
        name: "konnect",
        path: "/konnect",
        upstreamUrl: "https://us.mcp.konghq.com/",
        authMode: "token_swap",
        authSettings: { issuer: "https://idp.example.com", jwks: { uri: "https://idp.example.com/certs" }, unknown_consumer: "their-agent" },
      },
    });
    await ctx.db.aclConsumerRule.create({ data: { serverId: server.id, toolName: "push_files", consumerId: named.id, effect: "deny" } });
    await ctx.db.limitRule.create({ data: { serverId: server.id, consumerId: bot.id, perMinute: 5 } });
    await ctx.db.toolRequirement.create({ data: { serverId: server.id, toolName: "push_files", action: "confirm", subjects: ["their-agent"] } });
    await ctx.db.toolRequirement.create({ data: { serverId: server.id, toolName: "merge", action: "confirm", subjects: ["their-agent", "bystander"] } });
    const compiled = async () => {
      const parsed = parseConfig(compileConfig(await loadConfigSnapshot(ctx.db)));
      if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
      const konnect = parsed.config.servers.find((s) => s.name === "konnect")!;
      const entries = (tool: string) => konnect.acl.tools.filter((t) => t.name === tool);
      const required = (tool: string) =>
        entries(tool)
          .find((t) => t.require)
          ?.require?.for?.toSorted();
      return {
        consumers: parsed.config.consumers
          .map((c) => c.username)
          .filter((name) => mine.has(name))
          .sort(),
        fallback: konnect.auth.mode === "token_swap" ? konnect.auth.unknown_consumer : undefined,
        denied: entries("push_files").flatMap((t) => t.deny ?? []),
        limits: konnect.limits.map((l) => l.subject),
        pushFor: required("push_files"),
        mergeFor: required("merge"),
      };
    };
    const everything = {
      consumers: [named.username, "bystander", "their-agent"].sort(),
      fallback: "their-agent",
      denied: [named.username],
      limits: ["their-agent"],
      pushFor: ["their-agent"],
      mergeFor: ["bystander", "their-agent"],
    };
    const mine = new Set(everything.consumers);
    expect(await compiled()).toEqual(everything);

    await updateUser(admin, person.id, { disabled: true });
    expect(await compiled()).toEqual({ consumers: ["bystander"], fallback: "reject", denied: [], limits: [], pushFor: undefined, mergeFor: ["bystander"] });
    expect(await getConsumer(bot.id)).toMatchObject({ disabled: false, userDisabled: true });
    expect(await getConsumer(named.id)).toMatchObject({ disabled: false, userDisabled: true });

    await updateUser(admin, person.id, { disabled: false });
    expect(await compiled()).toEqual(everything);
    expect(await getConsumer(named.id)).toMatchObject({ disabled: false, userDisabled: false });
  });
});
