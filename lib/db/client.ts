// One connection pool per process, shared by the Prisma client (through the
// pg driver adapter; no query-engine binary) and the few hot paths that talk
// to PostgreSQL directly (audit ingestion).
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client";

export type Db = InstanceType<typeof PrismaClient>;

export function createPool(databaseUrl: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on("error", (error) => console.error("database pool:", error.message));
  return pool;
}

/** From a URL the client owns its connections ($disconnect closes them); from a pool, the caller does. */
export function createDb(databaseUrlOrPool: string | pg.Pool): Db {
  const adapter = typeof databaseUrlOrPool === "string" ? new PrismaPg({ connectionString: databaseUrlOrPool, max: 10 }) : new PrismaPg(databaseUrlOrPool);
  return new PrismaClient({ adapter });
}

const globalForDb = globalThis as unknown as { portcullisPool?: pg.Pool; portcullisDb?: Db };

/** The console's pool, created on first use from DATABASE_URL (set by `npm start`). */
export function pool(): pg.Pool {
  if (!globalForDb.portcullisPool) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set; start the console with `npm start`.");
    globalForDb.portcullisPool = createPool(url);
  }
  return globalForDb.portcullisPool;
}

export function db(): Db {
  globalForDb.portcullisDb ??= createDb(pool());
  return globalForDb.portcullisDb;
}
