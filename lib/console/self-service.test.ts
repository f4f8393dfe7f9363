// Developer self-service against a real database: keys scoped to their
// owner, rolling with an overlap, the limit of active keys, the maximum
// lifetime, the admins' settings, and the consumer created on a first visit.
import { beforeEach, describe, expect, it } from "vitest";
import { useConsoleDatabase } from "../../test/support/console";
import type { CurrentUser } from "../auth/session";
import { compileConfig } from "../config/compile";
import { loadConfigSnapshot } from "../controlplane/snapshot";
import { hasValidChecksum, hashApiKey } from "../core/keys/api-key";
import { issueApiKey, listConsumerKeys, revokeApiKey, rollApiKey, type KeyScope } from "./api-keys";
import { createOwnConsumer, listOwnedConsumers, usernameFromEmail } from "./consumers";
import { ConsoleError } from "./errors";
import { apiKeyInputSchema, apiKeyListQuerySchema, apiKeyRollSchema } from "./schemas/api-key";
import { DEFAULT_SELF_SERVICE_SETTINGS, selfServiceSettingsSchema, type SelfServiceSettings } from "./schemas/settings";
import { readSelfServiceSettings, updateSelfServiceSettings } from "./settings";

const ctx = useConsoleDatabase();
const keyInput = (value: Record<string, unknown>) => apiKeyInputSchema.parse(value);
const roll = (overlapSeconds: number) => apiKeyRollSchema.parse({ overlapSeconds });
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
let admin: CurrentUser;
let n = 0;

async function refusal(promise: Promise<unknown>): Promise<ConsoleError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConsoleError);
  return error as ConsoleError;
}

async function setSettings(settings: Partial<SelfServiceSettings>) {
  await updateSelfServiceSettings(admin, selfServiceSettingsSchema.parse({ ...DEFAULT_SELF_SERVICE_SETTINGS, ...settings }));
}

/** A developer and a consumer they own, plus the scope My keys uses. */
async function developerWithConsumer() {
  const developer = await ctx.user("developer");
  const consumer = await ctx.db.consumer.create({ data: { username: `dev-consumer-${++n}`, ownerUserId: developer.id } });
  const scope: KeyScope = { consumerId: consumer.id, ownerUserId: developer.id };
  return { developer, consumer, scope };
}

beforeEach(async () => {
  admin ??= await ctx.user("admin");
  await setSettings({});
});

describe("My keys is scoped to the caller's own consumers", () => {
  it("refuses every key action on another user's consumer as not found, and changes nothing", async () => {
    const { developer, scope } = await developerWithConsumer();
    const other = await developerWithConsumer();
    const { key } = await issueApiKey(other.developer, other.scope, keyInput({ name: "theirs" }));
    const intrusion: KeyScope = { consumerId: other.consumer.id, ownerUserId: developer.id };

    for (const attempt of [
      () => listConsumerKeys(intrusion, apiKeyListQuerySchema.parse({})),
      () => issueApiKey(developer, intrusion, keyInput({ name: "sneaky" })),
      () => revokeApiKey(developer, intrusion, key.id),
      () => rollApiKey(developer, intrusion, key.id, roll(0)),
      // Their key through my own consumer's URL.
      () => revokeApiKey(developer, scope, key.id),
      () => rollApiKey(developer, scope, key.id, roll(0)),
    ]) {
      expect((await refusal(attempt())).status).toBe(404);
    }
    const stored = await ctx.db.apiKey.findMany({ where: { consumerId: other.consumer.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ revokedAt: null, expiresAt: null });
  });

  it("lets the owner create, list and revoke, and logs each action as the developer", async () => {
    const { developer, consumer, scope } = await developerWithConsumer();
    const { key, secret } = await issueApiKey(developer, scope, keyInput({ name: "laptop", expiresAt: inDays(30) }));
    expect(hasValidChecksum(secret)).toBe(true);
    expect((await listConsumerKeys(scope, apiKeyListQuerySchema.parse({}))).keys.map((k) => k.id)).toEqual([key.id]);
    expect((await revokeApiKey(developer, scope, key.id)).status).toBe("revoked");
    const log = await ctx.db.activityLog.findMany({ where: { entityId: key.id }, orderBy: { time: "asc" } });
    expect(log.map((entry) => [entry.action, entry.actorEmail, entry.entityName])).toEqual([
      ["api_key.create", developer.email, `${consumer.username} / laptop`],
      ["api_key.revoke", developer.email, `${consumer.username} / laptop`],
    ]);
  });

  it("refuses new keys for a consumer an admin disabled", async () => {
    const { developer, consumer, scope } = await developerWithConsumer();
    await ctx.db.consumer.update({ where: { id: consumer.id }, data: { disabledAt: new Date() } });
    const error = await refusal(issueApiKey(developer, scope, keyInput({ name: "x" })));
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/disabled/);
  });
});

describe("rolling a key", () => {
  it("issues a new key with the same name and lifetime; the old one works until the end of the overlap", async () => {
    const { developer, consumer, scope } = await developerWithConsumer();
    const { key: old } = await issueApiKey(developer, scope, keyInput({ name: "ci", expiresAt: inDays(30) }));
    const before = Date.now();
    const rolled = await rollApiKey(developer, scope, old.id, roll(3_600));

    expect(hasValidChecksum(rolled.secret)).toBe(true);
    expect(rolled.key).toMatchObject({ name: "ci", status: "active" });
    expect(rolled.key.id).not.toBe(old.id);
    const previousExpiry = Date.parse(rolled.previous.expiresAt!);
    expect(previousExpiry).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(previousExpiry).toBeLessThanOrEqual(Date.now() + 3_600_000);
    // The new key lives as long as the old one was meant to (30 days), from now.
    expect(Date.parse(rolled.key.expiresAt!) - Date.parse(rolled.key.createdAt)).toBeGreaterThan(30 * 86_400_000 - 5_000);
    expect(await ctx.db.apiKey.findUniqueOrThrow({ where: { id: rolled.key.id } })).toMatchObject({ hash: hashApiKey(rolled.secret), createdById: developer.id });

    // Both keys reach the gateways: the old one with the end of its overlap.
    const compiled = compileConfig(await loadConfigSnapshot(ctx.db));
    const keys = compiled.consumers!.find((c) => c.username === consumer.username)!.keys!;
    expect(keys).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: old.id, expires_at: rolled.previous.expiresAt }),
        expect.objectContaining({ id: rolled.key.id, hash: hashApiKey(rolled.secret) }),
      ]),
    );

    const log = await ctx.db.activityLog.findFirstOrThrow({ where: { action: "api_key.roll", entityId: rolled.key.id } });
    expect(log.after).toMatchObject({ name: "ci", prefix: rolled.key.prefix, overlapSeconds: 3_600, previousKey: { prefix: old.prefix, expiresAt: rolled.previous.expiresAt } });
    expect(JSON.stringify(log)).not.toContain(rolled.secret.slice(8));
  });

  it("with no overlap, the old key is out of the compiled configuration at once", async () => {
    const { developer, consumer, scope } = await developerWithConsumer();
    const { key: old } = await issueApiKey(developer, scope, keyInput({ name: "now" }));
    const rolled = await rollApiKey(developer, scope, old.id, roll(0));
    expect(rolled.previous.status).toBe("expired");
    const compiled = compileConfig(await loadConfigSnapshot(ctx.db));
    expect(compiled.consumers!.find((c) => c.username === consumer.username)!.keys!.map((k) => k.id)).toEqual([rolled.key.id]);
  });

  it("refuses to roll a revoked key, and an overlap beyond 7 days", async () => {
    const { developer, scope } = await developerWithConsumer();
    const { key } = await issueApiKey(developer, scope, keyInput({ name: "gone" }));
    await revokeApiKey(developer, scope, key.id);
    const error = await refusal(rollApiKey(developer, scope, key.id, roll(0)));
    expect(error.status).toBe(409);
    expect(error.message).toBe("This key is revoked: only an active key can be rolled. Create a new key instead.");
    expect(apiKeyRollSchema.safeParse({ overlapSeconds: 7 * 86_400 + 1 }).success).toBe(false);
  });
});

describe("limit of active keys", () => {
  it("refuses a create beyond the limit with 409, and counts neither revoked nor expired keys", async () => {
    await setSettings({ maxActiveKeysPerConsumer: 2 });
    const { developer, consumer, scope } = await developerWithConsumer();
    await ctx.db.apiKey.create({ data: { consumerId: consumer.id, name: "expired", prefix: "pcs_Expd", hash: `sha256:expired-${consumer.id}`, expiresAt: new Date(Date.now() - 1000) } });
    const { key: first } = await issueApiKey(developer, scope, keyInput({ name: "one" }));
    await issueApiKey(developer, scope, keyInput({ name: "two" }));
    const error = await refusal(issueApiKey(developer, scope, keyInput({ name: "three" })));
    expect(error.status).toBe(409);
    expect(error.message).toBe("This consumer already has 2 active key(s); the limit is 2. Revoke a key you no longer use first.");

    await revokeApiKey(developer, scope, first.id);
    await issueApiKey(developer, scope, keyInput({ name: "three" }));
  });

  it("applies to admins issuing keys too", async () => {
    await setSettings({ maxActiveKeysPerConsumer: 1 });
    const consumer = await ctx.db.consumer.create({ data: { username: `admin-made-${++n}` } });
    await issueApiKey(admin, { consumerId: consumer.id }, keyInput({ name: "one" }));
    expect((await refusal(issueApiKey(admin, { consumerId: consumer.id }, keyInput({ name: "two" })))).status).toBe(409);
  });

  it("holds when requests race: the consumer's row is locked while counting", async () => {
    await setSettings({ maxActiveKeysPerConsumer: 3 });
    const { developer, consumer, scope } = await developerWithConsumer();
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => issueApiKey(developer, scope, keyInput({ name: `racer-${i}` }))));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(await ctx.db.apiKey.count({ where: { consumerId: consumer.id } })).toBe(3);
  });

  it("at the limit, a roll needs no overlap (the old key gives up its slot)", async () => {
    await setSettings({ maxActiveKeysPerConsumer: 1 });
    const { developer, consumer, scope } = await developerWithConsumer();
    const { key } = await issueApiKey(developer, scope, keyInput({ name: "only" }));
    const error = await refusal(rollApiKey(developer, scope, key.id, roll(3_600)));
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/roll with no overlap/);
    // The refused roll changed nothing.
    expect(await ctx.db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).toMatchObject({ expiresAt: null });
    expect(await ctx.db.apiKey.count({ where: { consumerId: consumer.id } })).toBe(1);

    const rolled = await rollApiKey(developer, scope, key.id, roll(0));
    expect(rolled.key.status).toBe("active");
  });
});

describe("maximum key lifetime", () => {
  it("caps a developer's expiry, and a rolled key's replacement, but not an admin's issue", async () => {
    await setSettings({ maxKeyLifetimeDays: 30 });
    const { developer, consumer, scope } = await developerWithConsumer();
    const never = await refusal(issueApiKey(developer, scope, keyInput({ name: "forever" })));
    expect(never.fields?.expiresAt).toMatch(/^keys expire within 30 day\(s\) at most: pick a date up to \d{4}-\d\d-\d\d$/);
    expect((await refusal(issueApiKey(developer, scope, keyInput({ name: "long", expiresAt: inDays(31) })))).status).toBe(400);
    await issueApiKey(developer, scope, keyInput({ name: "ok", expiresAt: inDays(30) }));

    // A key from before the maximum, without expiry: its replacement expires within 30 days.
    const legacy = await issueApiKey(admin, { consumerId: consumer.id }, keyInput({ name: "legacy" }));
    expect(legacy.key.expiresAt).toBeNull();
    const rolled = await rollApiKey(developer, scope, legacy.key.id, roll(0));
    expect(Date.parse(rolled.key.expiresAt!)).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000);
    expect(Date.parse(rolled.key.expiresAt!)).toBeGreaterThan(Date.now() + 30 * 86_400_000 - 60_000);
  });
});

describe("settings", () => {
  it("default to no automatic consumers, no maximum lifetime and 10 active keys", async () => {
    await ctx.db.setting.deleteMany({ where: { key: { in: ["consumers.auto_create", "consumers.default_group_id", "keys.max_lifetime_days", "keys.max_active_per_consumer"] } } });
    expect(await readSelfServiceSettings()).toEqual({ autoCreateConsumer: false, defaultGroupId: null, maxKeyLifetimeDays: null, maxActiveKeysPerConsumer: 10 });
  });

  it("are stored, read back and logged with the group's name", async () => {
    const group = await ctx.db.consumerGroup.create({ data: { name: `newcomers-${++n}` } });
    await setSettings({ autoCreateConsumer: true, defaultGroupId: group.id, maxKeyLifetimeDays: 90, maxActiveKeysPerConsumer: 5 });
    expect(await readSelfServiceSettings()).toEqual({ autoCreateConsumer: true, defaultGroupId: group.id, maxKeyLifetimeDays: 90, maxActiveKeysPerConsumer: 5 });
    const log = await ctx.db.activityLog.findFirstOrThrow({ where: { action: "settings.update" }, orderBy: { time: "desc" } });
    expect(log.after).toEqual({ autoCreateConsumer: true, defaultGroup: group.name, maxKeyLifetimeDays: 90, maxActiveKeysPerConsumer: 5 });
  });

  it("need a group when consumers are created automatically, and refuse a group that does not exist", async () => {
    const missing = selfServiceSettingsSchema.safeParse({ ...DEFAULT_SELF_SERVICE_SETTINGS, autoCreateConsumer: true });
    expect(missing.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["defaultGroupId", "pick the group new consumers join"]]);
    const error = await refusal(setSettings({ autoCreateConsumer: true, defaultGroupId: "00000000-0000-4000-8000-000000000000" }));
    expect(error.fields).toEqual({ defaultGroupId: "this group no longer exists; reload the page" });
  });
});

describe("a consumer created on a developer's first visit", () => {
  it("is refused unless admins allow it", async () => {
    const developer = await ctx.user("developer");
    const error = await refusal(createOwnConsumer(developer));
    expect(error.status).toBe(403);
    expect(await listOwnedConsumers(developer.id)).toEqual([]);
  });

  it("is created once, owned by the developer, in the default group, named after their email, and logged", async () => {
    const group = await ctx.db.consumerGroup.create({ data: { name: `self-service-${++n}` } });
    await setSettings({ autoCreateConsumer: true, defaultGroupId: group.id });
    const developer = await ctx.user("developer");
    // Two tabs opening My keys at once still make one consumer.
    const [a, b] = await Promise.all([createOwnConsumer(developer), createOwnConsumer(developer)]);
    expect(a.id).toBe(b.id);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(await listOwnedConsumers(developer.id)).toEqual([{ id: a.id, username: developer.email, disabled: false, groups: [group.name], activeKeys: 0 }]);
    const log = await ctx.db.activityLog.findFirstOrThrow({ where: { action: "consumer.create", entityId: a.id } });
    expect(log).toMatchObject({ actorEmail: developer.email, after: { username: developer.email, owner: developer.email, groups: [group.name], selfService: true } });
  });

  it("takes another username when the email's is taken", async () => {
    const group = await ctx.db.consumerGroup.create({ data: { name: `self-service-${++n}` } });
    await setSettings({ autoCreateConsumer: true, defaultGroupId: group.id });
    const developer = await ctx.user("developer");
    await ctx.db.consumer.create({ data: { username: developer.email } });
    expect((await createOwnConsumer(developer)).username).toBe(`${developer.email}-2`);
  });

  it("is not made for admins and viewers, nor when the default group was deleted", async () => {
    const group = await ctx.db.consumerGroup.create({ data: { name: `doomed-${++n}` } });
    await setSettings({ autoCreateConsumer: true, defaultGroupId: group.id });
    expect((await refusal(createOwnConsumer(await ctx.user("viewer")))).status).toBe(403);
    expect((await refusal(createOwnConsumer(await ctx.user("admin")))).status).toBe(403);
    await ctx.db.consumerGroup.delete({ where: { id: group.id } });
    const error = await refusal(createOwnConsumer(await ctx.user("developer")));
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/Settings/);
  });

  it.each([
    ["ana@example.com", "ana@example.com"],
    ["Ana.Lopez+mcp@Example.COM", "ana.lopez-mcp@example.com"],
    ["_x@example.com", "x@example.com"],
  ])("usernameFromEmail(%s) = %s", (email, username) => {
    expect(usernameFromEmail(email)).toBe(username);
  });
});
