// `prisma generate` at install time, offline. The Prisma CLI insists on a
// schema-engine binary being present even though generate never runs it, and
// that binary is downloaded from Prisma's servers; when it is absent we point
// PRISMA_SCHEMA_ENGINE_BINARY at a placeholder file for this one command.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const env = { ...process.env };
const engines = path.join(root, "node_modules/@prisma/engines");
const hasEngine = fs.existsSync(engines) && fs.readdirSync(engines).some((f) => f.startsWith("schema-engine"));
if (!hasEngine && !env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const placeholder = path.join(os.tmpdir(), "portcullis-no-schema-engine");
  fs.writeFileSync(placeholder, "");
  env.PRISMA_SCHEMA_ENGINE_BINARY = placeholder;
}
const result = spawnSync(process.execPath, [path.join(root, "node_modules/prisma/build/index.js"), "generate"], { cwd: root, env, stdio: "inherit" });
process.exit(result.status ?? 1);
