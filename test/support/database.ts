import { inject } from "vitest";
import { applyMigrations, type Migration } from "../../lib/db/migrate";
import { createThrowawayDatabase, type ThrowawayDatabase } from "../../lib/db/throwaway-database";

export type TestDatabase = ThrowawayDatabase;

/** A fresh database of its own for one test file, with the migrations applied (or the ones given). */
export async function createTestDatabase(options: { migrations?: Migration[] } = {}): Promise<TestDatabase> {
  const database = await createThrowawayDatabase(inject("adminDatabaseUrl"), "portcullis_test");
  await applyMigrations(database.url, options.migrations);
  return database;
}
