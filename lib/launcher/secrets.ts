// Secrets the product generates for itself on first start, kept in the data folder.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Reads a generated secret, creating it (mode 600) the first time. */
export function loadOrCreateSecret(dataDir: string, name: string, bytes = 32): string {
  const file = path.join(dataDir, "secrets", name);
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const value = randomBytes(bytes).toString("base64url");
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, value, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return value;
}
