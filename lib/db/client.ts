// One Prisma client per process, through the pg driver adapter (no query-engine binary).
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";

export type Db = InstanceType<typeof PrismaClient>;

export function createDb(databaseUrl: string): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 10 }) });
}

const globalForDb = globalThis as unknown as { portcullisDb?: Db };

/** The console's client, created on first use from DATABASE_URL (set by `npm start`). */
export function db(): Db {
  if (!globalForDb.portcullisDb) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set; start the console with `npm start`.");
    globalForDb.portcullisDb = createDb(url);
  }
  return globalForDb.portcullisDb;
}
