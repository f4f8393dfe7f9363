// One PostgreSQL server for the whole run: the embedded one (throwaway data
// folder) unless DATABASE_URL names a server to use. Each test file then
// creates its own database on it (test/support/database.ts).
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../launcher/database/embedded-postgres";
import { findFreePort } from "../../lib/net/ports";

declare module "vitest" {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide("adminDatabaseUrl", process.env.DATABASE_URL);
    return;
  }
  const server = await startEmbeddedPostgres({
    dataDir: path.resolve(".portcullis/test", `pg-${randomBytes(4).toString("hex")}`),
    port: await findFreePort(),
    throwaway: true,
  });
  project.provide("adminDatabaseUrl", server.url);
  return () => server.stop();
}
