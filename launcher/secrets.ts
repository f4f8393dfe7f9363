// Secrets the product generates for itself on first start, kept in the data
// folder (owner-only files, written atomically).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const secretFile = (dataDir: string, name: string) => path.join(dataDir, "secrets", name);

export function readSecret(dataDir: string, name: string): string | undefined {
  const file = secretFile(dataDir, name);
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : undefined;
}

export function writeSecret(dataDir: string, name: string, value: string): void {
  const file = secretFile(dataDir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, value, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Reads a generated secret, creating it the first time. */
export function loadOrCreateSecret(dataDir: string, name: string, bytes = 32): string {
  const existing = readSecret(dataDir, name);
  if (existing) return existing;
  const value = randomBytes(bytes).toString("base64url");
  writeSecret(dataDir, name, value);
  return value;
}
