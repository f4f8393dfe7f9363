import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, loadMasterKey } from "./secret-box";

describe("secret box", () => {
  const key = randomBytes(32);

  it("round-trips a value and never stores it in clear", () => {
    const sealed = encryptSecret(key, "konnect-token", "kpat_abc123");
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain("kpat_abc123");
    expect(decryptSecret(key, "konnect-token", sealed)).toBe("kpat_abc123");
  });

  it("refuses another key, another name, or a tampered ciphertext", () => {
    const sealed = encryptSecret(key, "a", "value");
    expect(() => decryptSecret(randomBytes(32), "a", sealed)).toThrow('secret "a" cannot be decrypted with this master key');
    expect(() => decryptSecret(key, "b", sealed)).toThrow("cannot be decrypted");
    const parts = sealed.split(":");
    parts[3] = Buffer.from("other").toString("base64url");
    expect(() => decryptSecret(key, "a", parts.join(":"))).toThrow("cannot be decrypted");
  });

  it("generates a master key file once and reuses it; validates the variable", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portcullis-key-"));
    const first = loadMasterKey({}, dir);
    expect(first).toHaveLength(32);
    expect(loadMasterKey({}, dir).equals(first)).toBe(true);
    expect(fs.statSync(path.join(dir, "secrets", "master.key")).mode & 0o777).toBe(0o600);
    expect(loadMasterKey({ PORTCULLIS_MASTER_KEY: "ab".repeat(32) }, dir).toString("hex")).toBe("ab".repeat(32));
    expect(() => loadMasterKey({ PORTCULLIS_MASTER_KEY: "short" }, dir)).toThrow("PORTCULLIS_MASTER_KEY must be 32 bytes");
    fs.rmSync(dir, { recursive: true });
  });
});
