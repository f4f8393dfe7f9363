import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import { findDrift } from "./drift";
import { readMigrations } from "./migrate";

describe("migrations match prisma/schema.prisma", () => {
  const databases: TestDatabase[] = [];
  afterAll(() => Promise.all(databases.map((db) => db.drop())));

  it("a fresh database built by the migrations has no drift", async () => {
    const db = await createTestDatabase();
    databases.push(db);
    expect(await findDrift(db.url)).toEqual([]);
  });

  it("names the model and field when a migration leaves a column out", async () => {
    // Only the User table's: other tables have a column of that name too.
    const migrations = readMigrations().map((m) => ({ ...m, sql: m.sql.includes('CREATE TABLE "User"') ? m.sql.replace(/^\s*"lastSignInAt" TIMESTAMP\(3\),\n/m, "") : m.sql }));
    const db = await createTestDatabase({ migrations });
    databases.push(db);
    expect(await findDrift(db.url)).toEqual([`User.lastSignInAt: column "lastSignInAt" is missing`]);
  });

  it("reports nullability, unique constraints and foreign keys that differ", async () => {
    const migrations = readMigrations().map((m) => ({
      ...m,
      sql: m.sql
        .replace(`"name" TEXT NOT NULL,\n    "tokenHash"`, `"name" TEXT,\n    "tokenHash"`)
        .replace(/CREATE UNIQUE INDEX "ApiKey_hash_key"[^;]*;/, "")
        .replace(/ALTER TABLE "Tool" ADD CONSTRAINT "Tool_serverId_fkey"[^;]*;/, ""),
    }));
    const db = await createTestDatabase({ migrations });
    databases.push(db);
    expect((await findDrift(db.url)).sort()).toEqual([
      "ApiKey: unique constraint on (hash) is missing",
      "DataPlane.name: column is nullable, schema says required",
      "Tool.server: foreign key (serverId) → McpServer is missing",
    ]);
  });
});
