// Shared by the benchmark scripts: a throwaway database (the embedded
// PostgreSQL, or a new database on DATABASE_URL's server) and result output.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres } from "../launcher/database/embedded-postgres";
import { applyMigrations } from "../lib/db/migrate";
import { createThrowawayDatabase } from "../lib/db/throwaway-database";
import { findFreePort } from "../lib/net/ports";

export const ROOT = path.resolve(import.meta.dirname, "..");

export async function throwawayDatabase(): Promise<{ url: string; close(): Promise<void> }> {
  let serverUrl = process.env.DATABASE_URL;
  let stopServer = async () => {};
  if (!serverUrl) {
    const server = await startEmbeddedPostgres({
      dataDir: path.join(ROOT, ".portcullis/bench", `pg-${randomBytes(4).toString("hex")}`),
      port: await findFreePort(),
      throwaway: true,
    });
    serverUrl = server.url;
    stopServer = () => server.stop();
  }
  const database = await createThrowawayDatabase(serverUrl, "portcullis_bench");
  await applyMigrations(database.url);
  return {
    url: database.url,
    close: async () => {
      await database.drop();
      await stopServer();
    },
  };
}

export function writeResults(file: string, results: unknown): string {
  const target = path.join(ROOT, "bench", "results", file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, JSON.stringify(results, null, 2));
  return path.relative(process.cwd(), target);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
