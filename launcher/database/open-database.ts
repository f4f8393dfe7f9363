// The product's database: the server named by DATABASE_URL, or the embedded
// PostgreSQL in the data folder when it is unset.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { checkDatabaseConnection } from "../../lib/db/database-url";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres";

export interface OpenDatabase {
  url: string;
  embedded: boolean;
  /** The embedded server's data folder, and why it is elsewhere than asked when it is (see embedded-postgres-root.ts). */
  dataDir?: string;
  note?: string;
  /** The embedded server's running process, for the launcher's supervisor; absent with DATABASE_URL. */
  server?: Pick<EmbeddedPostgres, "pid" | "exited">;
  /** Starts the embedded server again after it died: same folder, port and password. */
  restart?(): Promise<Pick<EmbeddedPostgres, "pid" | "exited">>;
  stop(mode?: "fast" | "immediate"): Promise<void>;
}

async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function openDatabase(options: { databaseUrl?: string; dataDir: string; pgPort: number }): Promise<OpenDatabase> {
  if (options.databaseUrl) {
    await checkDatabaseConnection(options.databaseUrl);
    return { url: options.databaseUrl, embedded: false, stop: async () => {} };
  }
  const logDir = path.join(options.dataDir, "logs");
  fs.mkdirSync(logDir, { recursive: true });
  const log = fs.createWriteStream(path.join(logDir, "postgres.log"), { flags: "a" });
  const start = () =>
    startEmbeddedPostgres({
      dataDir: path.join(options.dataDir, "pgdata"),
      port: options.pgPort,
      portVariable: "PORTCULLIS_PG_PORT",
      onLog: (line) => log.write(line + "\n"),
    });
  let server = await start();
  try {
    const url = await ensureDatabase(server.url, "portcullis");
    return {
      url,
      embedded: true,
      dataDir: server.dataDir,
      note: server.note,
      server,
      restart: async () => (server = await start()),
      stop: (mode) => server.stop(mode),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
