// Volume data for the console: by default 10,000 consumers (in a few groups,
// some with owners and custom ids) and 50,000 API keys, inserted in a handful
// of multi-row statements (unnest of arrays), not row by row.
//
//   npm run seed:volume [-- --consumers 10000 --keys-per-consumer 5 --prefix volume]
//
// Writes to DATABASE_URL, or else to the running product's database (from
// <data dir>/runtime.json). Refuses to run twice with the same prefix.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { describeError } from "../lib/core/errors";
import { displayPrefix, generateApiKey, hashApiKey } from "../lib/core/keys/api-key";

export interface VolumeOptions {
  consumers: number;
  keysPerConsumer: number;
  /** Groups created for the consumers to be members of; 0 puts them in none. */
  groups: number;
  /** Usernames are <prefix>-00001…; also names the groups. */
  prefix: string;
}

export interface VolumeResult {
  consumers: number;
  keys: number;
  memberships: number;
  ms: number;
}

const DAY = 86_400_000;
const CHUNK = 10_000;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** Column arrays → one INSERT … SELECT FROM unnest(…) per chunk of rows. */
async function insertColumns(client: pg.Client, table: string, columns: [name: string, type: string][], rows: unknown[][]): Promise<void> {
  const names = columns.map(([name]) => `"${name}"`).join(", ");
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(", ");
  for (const chunk of chunks(rows)) {
    const values = columns.map((_, c) => chunk.map((row) => row[c]));
    await client.query(`INSERT INTO "${table}" (${names}) SELECT * FROM unnest(${arrays})`, values);
  }
}

export async function seedVolume(databaseUrl: string, options: VolumeOptions): Promise<VolumeResult> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query(`SELECT 1 FROM "Consumer" WHERE username = $1`, [`${options.prefix}-00001`]);
    if (rowCount) throw new Error(`consumers named ${options.prefix}-… exist already; pass another --prefix`);
    const owners = (await client.query<{ id: string }>(`SELECT id FROM "User" ORDER BY "createdAt" LIMIT 20`)).rows.map((r) => r.id);
    const now = Date.now();

    await client.query("BEGIN");
    const groupIds = Array.from({ length: options.groups }, () => randomUUID());
    await insertColumns(
      client,
      "ConsumerGroup",
      [
        ["id", "text"],
        ["name", "text"],
        ["description", "text"],
        ["updatedAt", "timestamp"],
      ],
      groupIds.map((id, i) => [id, `${options.prefix}-team-${i + 1}`, "Seeded for volume tests", new Date(now)]),
    );

    const consumers = Array.from({ length: options.consumers }, (_, i) => {
      const createdAt = new Date(now - (options.consumers - i) * 60_000);
      return [
        randomUUID(),
        `${options.prefix}-${String(i + 1).padStart(5, "0")}`,
        i % 3 === 0 ? `${options.prefix}-sub-${(i * 7919).toString(36)}` : null,
        i % 4 === 0 && owners.length ? owners[i % owners.length]! : null,
        createdAt,
        createdAt,
      ];
    });
    await insertColumns(
      client,
      "Consumer",
      [
        ["id", "text"],
        ["username", "text"],
        ["customId", "text"],
        ["ownerUserId", "text"],
        ["createdAt", "timestamp"],
        ["updatedAt", "timestamp"],
      ],
      consumers,
    );

    const memberships = groupIds.length
      ? consumers.flatMap(([id], i) => {
          const first = groupIds[i % groupIds.length]!;
          const second = groupIds[(i * 3 + 1) % groupIds.length]!;
          return first === second || i % 2
            ? [[id, first]]
            : [
                [id, first],
                [id, second],
              ];
        })
      : [];
    await insertColumns(
      client,
      "ConsumerGroupMember",
      [
        ["consumerId", "text"],
        ["groupId", "text"],
      ],
      memberships,
    );

    const keys = consumers.flatMap(([consumerId], i) =>
      Array.from({ length: options.keysPerConsumer }, (_, k) => {
        const secret = generateApiKey();
        const createdAt = new Date(now - (k + 1) * 7 * DAY - i * 1000);
        return [
          randomUUID(),
          consumerId,
          `key-${k + 1}`,
          displayPrefix(secret),
          hashApiKey(secret),
          createdAt,
          k % 2 === 0 ? new Date(now - (i % 48) * 3_600_000) : null,
          k === 3 ? new Date(now - DAY) : k === 1 ? new Date(now + 90 * DAY) : null,
          k === 4 ? new Date(now - 2 * DAY) : null,
        ];
      }),
    );
    await insertColumns(
      client,
      "ApiKey",
      [
        ["id", "text"],
        ["consumerId", "text"],
        ["name", "text"],
        ["prefix", "text"],
        ["hash", "text"],
        ["createdAt", "timestamp"],
        ["lastUsedAt", "timestamp"],
        ["expiresAt", "timestamp"],
        ["revokedAt", "timestamp"],
      ],
      keys,
    );
    await client.query("COMMIT");
    // Fresh statistics, so the planner picks the indexes right away.
    await client.query(`ANALYZE "Consumer"; ANALYZE "ConsumerGroupMember"; ANALYZE "ApiKey"`);
    return { consumers: consumers.length, keys: keys.length, memberships: memberships.length, ms: Math.round(performance.now() - started) };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** Removes what seedVolume added under a prefix (keys and memberships go with their consumers). */
export async function removeVolume(databaseUrl: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DELETE FROM "Consumer" WHERE username LIKE $1`, [`${prefix}-%`]);
    await client.query(`DELETE FROM "ConsumerGroup" WHERE name LIKE $1`, [`${prefix}-team-%`]);
  } finally {
    await client.end();
  }
}

export function databaseUrlFromEnvironment(env: NodeJS.ProcessEnv): string {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  const runtime = path.resolve(env.PORTCULLIS_DATA_DIR ?? ".portcullis", "runtime.json");
  if (!fs.existsSync(runtime)) throw new Error(`set DATABASE_URL, or start the product (npm start) so that ${runtime} names its database`);
  return (JSON.parse(fs.readFileSync(runtime, "utf8")) as { database_url: string }).database_url;
}

async function main() {
  const { values } = parseArgs({
    options: {
      consumers: { type: "string", default: "10000" },
      "keys-per-consumer": { type: "string", default: "5" },
      groups: { type: "string", default: "10" },
      prefix: { type: "string", default: "volume" },
    },
  });
  const options = { consumers: Number(values.consumers), keysPerConsumer: Number(values["keys-per-consumer"]), groups: Number(values.groups), prefix: values.prefix };
  const result = await seedVolume(databaseUrlFromEnvironment(process.env), options);
  console.log(`seed:volume: ${result.consumers} consumers, ${result.keys} API keys, ${result.memberships} group memberships in ${result.ms} ms`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(`seed:volume: ${describeError(error)}`);
    process.exit(1);
  });
}
