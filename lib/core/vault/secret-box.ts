// Values of the built-in vault backend at rest: AES-256-GCM under the master
// key, stored as "v1:<iv>:<tag>:<ciphertext>" (base64url). The console encrypts,
// the gateway decrypts in memory; the value is bound to the secret's name
// (additional authenticated data) so a ciphertext cannot be moved to another name.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { UserFacingError } from "../errors";

const ALGORITHM = "aes-256-gcm";

export function encryptSecret(masterKey: Buffer, name: string, value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, masterKey, iv);
  cipher.setAAD(Buffer.from(name));
  const ciphertext = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(":");
}

export function decryptSecret(masterKey: Buffer, name: string, sealed: string): string {
  const [version, iv, tag, ciphertext] = sealed.split(":");
  if (version !== "v1" || !iv || !tag || ciphertext === undefined) throw new Error(`secret "${name}" is not in the v1 format`);
  const decipher = createDecipheriv(ALGORITHM, masterKey, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(name));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error(`secret "${name}" cannot be decrypted with this master key`);
  }
}

/**
 * The master key: PORTCULLIS_MASTER_KEY (32 bytes, base64 or hex), else
 * <dataDir>/secrets/master.key, generated on first use. Every process that
 * encrypts or decrypts (console, gateways) must see the same key.
 */
export function loadMasterKey(env: Readonly<Record<string, string | undefined>>, dataDir: string): Buffer {
  const configured = env.PORTCULLIS_MASTER_KEY;
  if (configured) {
    const key = /^[0-9a-f]{64}$/i.test(configured) ? Buffer.from(configured, "hex") : Buffer.from(configured, "base64");
    if (key.length !== 32) throw new UserFacingError("PORTCULLIS_MASTER_KEY must be 32 bytes, as 64 hex digits or base64", "MASTER_KEY_INVALID");
    return key;
  }
  const file = path.join(dataDir, "secrets", "master.key");
  if (fs.existsSync(file)) {
    const key = Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64");
    if (key.length !== 32) throw new UserFacingError(`${file} does not hold a 32-byte key`, "MASTER_KEY_INVALID");
    return key;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, key.toString("base64"), { mode: 0o600 });
  // link, not rename: if another process created the file meanwhile, keep theirs.
  try {
    fs.linkSync(tmp, file);
  } catch {
    // another process won the race
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return loadMasterKey(env, dataDir);
}
