import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import { configHash } from "../core/config/canonical";
import { createDb, type Db } from "../db/client";
import { CONFIG_CHANNEL, publishConfigVersion } from "./versions";

let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
});
afterAll(async () => {
  await db.$disconnect();
  await database.drop();
});

describe("config versions", () => {
  it("creates a version only when the compiled document changes, and announces it", async () => {
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    await listener.query(`LISTEN ${CONFIG_CHANNEL}`);
    const announced: string[] = [];
    listener.on("notification", (m) => announced.push(m.payload ?? ""));

    const first = await publishConfigVersion(db, { reason: "test" });
    expect(first).toMatchObject({ number: 1, created: true });
    expect(await publishConfigVersion(db, { reason: "again" })).toEqual({ number: 1, hash: first.hash, created: false });

    const admin = await db.user.create({ data: { email: "a@example.com", role: "admin" } });
    await db.consumerGroup.create({ data: { name: "developer" } });
    const second = await publishConfigVersion(db, { authorId: admin.id, reason: "group added" });
    expect(second).toMatchObject({ number: 2, created: true });

    const stored = await db.configVersion.findUniqueOrThrow({ where: { number: 2 } });
    expect(stored).toMatchObject({ authorId: admin.id, reason: "group added", hash: second.hash });
    expect(configHash(stored.document)).toBe(second.hash);
    expect((stored.document as { consumer_groups: unknown }).consumer_groups).toEqual([{ name: "developer" }]);

    await new Promise<void>((resolve) => (announced.length >= 2 ? resolve() : listener.on("notification", () => announced.length >= 2 && resolve())));
    expect(announced).toEqual(["1", "2"]);
    await listener.end();
  });

  it("leaves revoked and expired keys and disabled consumers out", async () => {
    const consumer = await db.consumer.create({ data: { username: "dev-user" } });
    const gone = await db.consumer.create({ data: { username: "gone-user", disabledAt: new Date() } });
    const hash = (c: string) => `sha256:${c.repeat(64)}`;
    await db.apiKey.createMany({
      data: [
        { consumerId: consumer.id, name: "live", prefix: "pcs_live", hash: hash("1") },
        { consumerId: consumer.id, name: "revoked", prefix: "pcs_revo", hash: hash("2"), revokedAt: new Date() },
        { consumerId: consumer.id, name: "expired", prefix: "pcs_expi", hash: hash("3"), expiresAt: new Date(Date.now() - 1000) },
        { consumerId: gone.id, name: "of disabled", prefix: "pcs_gone", hash: hash("4") },
      ],
    });
    const version = await publishConfigVersion(db, { reason: "keys" });
    const stored = await db.configVersion.findUniqueOrThrow({ where: { number: version.number } });
    const consumers = (stored.document as { consumers: { username: string; keys: { name: string }[] }[] }).consumers;
    expect(consumers.map((c) => [c.username, c.keys.map((k) => k.name)])).toEqual([["dev-user", ["live"]]]);
  });
});
