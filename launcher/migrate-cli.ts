// npm run db:migrate — applies prisma/migrations to DATABASE_URL, or to the
// embedded database in the data folder when DATABASE_URL is unset.
import { describeError } from "../lib/core/errors";
import { readSettings } from "./settings";
import { applyMigrations } from "../lib/db/migrate";
import { openDatabase } from "./database/open-database";

async function main() {
  const settings = readSettings(process.env);
  const database = await openDatabase({ databaseUrl: settings.DATABASE_URL, dataDir: settings.dataDir, pgPort: settings.PORTCULLIS_PG_PORT });
  try {
    const result = await applyMigrations(database.url);
    console.log(result.applied.length ? `db:migrate: applied ${result.applied.join(", ")}` : `db:migrate: database is up to date (${result.alreadyApplied} migration(s))`);
  } finally {
    await database.stop();
  }
}

main().catch((error) => {
  console.error(`db:migrate: ${describeError(error)}`);
  process.exit(1);
});
