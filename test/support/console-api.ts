// The console and gateway processes' integration tests share how they set the
// product up: a migrated database with the console's users and the startup
// configuration version, a configuration imported through the console's API
// (preview, then apply against the previewed hash), data planes registered
// there, and the gateway's log line that says a version is applied.
import { hashPassword } from "../../lib/auth/password";
import type { Role } from "../../lib/auth/roles";
import { publishConfigVersion } from "../../lib/controlplane/versions";
import { createDb, type Db } from "../../lib/db/client";
import type { ConsoleSession } from "../../demo/console-session";
import { createTestDatabase, type TestDatabase } from "./database";

/** A database of the test file's own, with these console users (one password for all) and version 1 published. */
export async function createConsoleDatabase(users: { email: string; role: Role }[], password: string): Promise<{ database: TestDatabase; db: Db }> {
  const database = await createTestDatabase();
  const db = createDb(database.url);
  const passwordHash = await hashPassword(password);
  for (const user of users) await db.user.create({ data: { email: user.email, role: user.role, passwordHash } });
  await publishConfigVersion(db, { reason: "startup" });
  return { database, db };
}

export async function importConfig(session: ConsoleSession, text: string): Promise<void> {
  const preview = await session.json<{ currentHash: string }>("POST", "/api/config/import", { text, mode: "preview" });
  if (preview.status !== 200) throw new Error(`the import preview was refused (HTTP ${preview.status}): ${JSON.stringify(preview.body)}`);
  const applied = await session.json("POST", "/api/config/import", { text, mode: "apply", expectedCurrentHash: preview.body.currentHash });
  if (applied.status !== 200) throw new Error(`the import was refused (HTTP ${applied.status}): ${JSON.stringify(applied.body)}`);
}

/** Registers a data plane; returns its token (shown once). */
export async function registerDataPlane(session: ConsoleSession, name: string): Promise<string> {
  const created = await session.json<{ token: string }>("POST", "/api/data-planes", { name });
  if (created.status !== 200) throw new Error(`the data plane ${name} was refused (HTTP ${created.status}): ${JSON.stringify(created.body)}`);
  return created.body.token;
}

/** The gateway's log line once it applied `version`. */
export const configurationApplied = (version: number) => new RegExp(`"version":${version},"hash":"sha256:[0-9a-f]+","msg":"configuration applied"`);
