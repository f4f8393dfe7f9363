import { describe, expect, it } from "vitest";
import { useConsoleDatabase } from "../../test/support/console";
import { hasValidChecksum, hashApiKey } from "../core/keys/api-key";
import { issueApiKey, keyStatus, listConsumerKeys, revokeApiKey } from "./api-keys";
import { ConsoleError } from "./errors";
import { apiKeyInputSchema, apiKeyListQuerySchema } from "./schemas/api-key";

const ctx = useConsoleDatabase();
const keyInput = (value: Record<string, unknown>) => apiKeyInputSchema.parse(value);

describe("API keys issued by an admin", () => {
  it("returns the full key once and stores only its hash and display prefix; the log has neither key nor hash", async () => {
    const admin = await ctx.user();
    const consumer = await ctx.db.consumer.create({ data: { username: "agent-1" } });
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const { key, secret } = await issueApiKey(admin, { consumerId: consumer.id }, keyInput({ name: "laptop", expiresAt }));

    expect(hasValidChecksum(secret)).toBe(true);
    expect(key).toMatchObject({ name: "laptop", prefix: secret.slice(0, 8), status: "active", expiresAt, createdBy: admin.email });
    const stored = await ctx.db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(stored.hash).toBe(hashApiKey(secret));
    expect(JSON.stringify(stored)).not.toContain(secret);

    const log = await ctx.db.activityLog.findFirstOrThrow({ where: { entityId: key.id } });
    expect(log).toMatchObject({ action: "api_key.create", entityName: "agent-1 / laptop", after: { consumer: "agent-1", name: "laptop", prefix: key.prefix } });
    expect(JSON.stringify(log)).not.toContain(secret.slice(8));
    expect(JSON.stringify(log)).not.toContain(stored.hash.slice(7));
  });

  it("refuses a past expiry and a missing name with field errors", () => {
    const result = apiKeyInputSchema.safeParse({ name: " ", expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(Object.fromEntries(result.error!.issues.map((i) => [i.path.join("."), i.message]))).toEqual({
      name: "give the key a name, e.g. the agent that will use it",
      expiresAt: "the expiry must be in the future",
    });
  });

  it("lists a consumer's keys newest first, page by page, and only that consumer's", async () => {
    const admin = await ctx.user();
    const [mine, other] = await Promise.all([ctx.db.consumer.create({ data: { username: "lister" } }), ctx.db.consumer.create({ data: { username: "other" } })]);
    const base = Date.now() - 3600_000;
    await ctx.db.apiKey.createMany({
      data: Array.from({ length: 5 }, (_, i) => ({ consumerId: mine.id, name: `k${i}`, prefix: "pcs_xxxx", hash: `sha256:lister-${i}`, createdAt: new Date(base + i * 1000) })),
    });
    await issueApiKey(admin, { consumerId: other.id }, keyInput({ name: "not-mine" }));

    const first = await listConsumerKeys({ consumerId: mine.id }, apiKeyListQuerySchema.parse({ limit: 2 }));
    expect(first.keys.map((k) => k.name)).toEqual(["k4", "k3"]);
    const second = await listConsumerKeys({ consumerId: mine.id }, apiKeyListQuerySchema.parse({ limit: 2, cursor: first.next }));
    expect(second.keys.map((k) => k.name)).toEqual(["k2", "k1"]);
    const last = await listConsumerKeys({ consumerId: mine.id }, apiKeyListQuerySchema.parse({ limit: 2, cursor: second.next }));
    expect(last.keys.map((k) => k.name)).toEqual(["k0"]);
    expect(last.next).toBeUndefined();
  });

  it("revokes a key once, and only through its own consumer", async () => {
    const admin = await ctx.user();
    const [owner, stranger] = await Promise.all([ctx.db.consumer.create({ data: { username: "revoker" } }), ctx.db.consumer.create({ data: { username: "stranger" } })]);
    const { key } = await issueApiKey(admin, { consumerId: owner.id }, keyInput({ name: "old" }));

    const wrongConsumer = await revokeApiKey(admin, { consumerId: stranger.id }, key.id).catch((e: unknown) => e);
    expect(wrongConsumer).toBeInstanceOf(ConsoleError);
    expect((wrongConsumer as ConsoleError).status).toBe(404);

    const revoked = await revokeApiKey(admin, { consumerId: owner.id }, key.id);
    expect(revoked.status).toBe("revoked");
    const again = await revokeApiKey(admin, { consumerId: owner.id }, key.id);
    expect(again.revokedAt).toBe(revoked.revokedAt);
    expect(await ctx.db.activityLog.count({ where: { entityId: key.id, action: "api_key.revoke" } })).toBe(1);
  });

  it("tells active, expired and revoked keys apart", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(keyStatus({ revokedAt: null, expiresAt: null }, now)).toBe("active");
    expect(keyStatus({ revokedAt: null, expiresAt: new Date("2026-01-02T00:00:00Z") }, now)).toBe("active");
    expect(keyStatus({ revokedAt: null, expiresAt: now }, now)).toBe("expired");
    expect(keyStatus({ revokedAt: now, expiresAt: null }, now)).toBe("revoked");
  });
});
