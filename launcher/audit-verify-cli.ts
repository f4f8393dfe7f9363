// npm run audit:verify -- --from <ISO> --to <ISO> [--data-plane <name>]:
// verifies the audit hash chains over a time range in DATABASE_URL, or in the
// embedded database of the data folder when it is unset (as db:migrate does).
// Exit 0 intact, 1 broken (the first broken link is named), 2 bad flags.
import { createPool } from "../lib/db/client";
import { openDatabase } from "./database/open-database";
import { describeError } from "../lib/core/errors";
import { readSettings } from "./settings";
import { verifyTimeRange } from "../lib/audit-chain/chain-state";
import { describeVerdicts, parseVerifyArgs, VERIFY_USAGE } from "../lib/audit-chain/verify-args";

async function main(): Promise<number> {
  const parsed = parseVerifyArgs(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`audit:verify: ${parsed.message}\n${VERIFY_USAGE}`);
    return 2;
  }
  const settings = readSettings(process.env);
  const database = await openDatabase({ databaseUrl: settings.DATABASE_URL, dataDir: settings.dataDir, pgPort: settings.PORTCULLIS_PG_PORT });
  const pool = createPool(database.url);
  try {
    if (parsed.args.dataPlaneName) {
      const plane = await pool.query(`SELECT 1 FROM "DataPlane" WHERE name = $1`, [parsed.args.dataPlaneName]);
      if (plane.rowCount === 0) {
        console.error(`audit:verify: no data plane is named "${parsed.args.dataPlaneName}"\n${VERIFY_USAGE}`);
        return 2;
      }
    }
    const result = describeVerdicts(await verifyTimeRange(pool, parsed.args), parsed.args);
    (result.intact ? console.log : console.error)(result.line);
    return result.intact ? 0 : 1;
  } finally {
    await pool.end();
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`audit:verify: ${describeError(error)}`);
    process.exit(1);
  },
);
