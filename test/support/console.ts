// For integration tests of console domain code (lib/console/**): a migrated
// database of the test file's own, installed as the process's `db()`, and
// signed-in users to act as.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import type { Role } from "../../lib/auth/roles";
import type { CurrentUser } from "../../lib/auth/session";
import { createDb, type Db } from "../../lib/db/client";
import { createTestDatabase, type TestDatabase } from "./database";

const globalForDb = globalThis as unknown as { portcullisDb?: Db };

export interface ConsoleTestContext {
  db: Db;
  /** A new console user with the given role, as route handlers see the caller. */
  user(role?: Role): Promise<CurrentUser>;
}

export function useConsoleDatabase(): ConsoleTestContext {
  let database: TestDatabase;
  let client: Db;
  beforeAll(async () => {
    database = await createTestDatabase();
    client = createDb(database.url);
    globalForDb.portcullisDb = client;
    process.env.PORTCULLIS_MASTER_KEY ??= randomBytes(32).toString("hex");
  });
  afterAll(async () => {
    delete globalForDb.portcullisDb;
    await client?.$disconnect();
    await database?.drop();
  });
  return {
    get db() {
      return client;
    },
    async user(role = "admin") {
      const email = `${role}-${randomBytes(4).toString("hex")}@test.local`;
      const user = await client.user.create({ data: { email, role }, select: { id: true, email: true, name: true, role: true } });
      return user;
    },
  };
}
