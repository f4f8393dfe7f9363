import { describe, expect, it } from "vitest";
import { API_KEY_PATTERN, displayPrefix, generateApiKey, hasValidChecksum, hashApiKey, hashesEqual } from "./api-key";
import { BASE62 } from "./base62";

describe("API key format", () => {
  it("generates pcs_<22 base62>_<6 base62> keys whose checksum is valid, all different", () => {
    const keys = Array.from({ length: 200 }, generateApiKey);
    for (const key of keys) {
      expect(key).toMatch(API_KEY_PATTERN);
      expect(hasValidChecksum(key)).toBe(true);
    }
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("catches every single-character change of the random part and of the checksum", () => {
    const key = generateApiKey();
    for (let i = "pcs_".length; i < key.length; i++) {
      if (key[i] === "_") continue;
      for (const replacement of BASE62) {
        if (replacement === key[i]) continue;
        const typo = key.slice(0, i) + replacement + key.slice(i + 1);
        expect(hasValidChecksum(typo), `${typo} (position ${i})`).toBe(false);
      }
    }
  });

  it.each([
    ["a truncated key", (k: string) => k.slice(0, -1)],
    ["an extra character", (k: string) => `${k}x`],
    ["another prefix", (k: string) => `pck_${k.slice(4)}`],
    ["a non-base62 character", (k: string) => `${k.slice(0, 6)}+${k.slice(7)}`],
    ["surrounding whitespace", (k: string) => ` ${k}`],
    ["two swapped characters", (k: string) => (k[5] === k[6] ? "pcs_x" : k.slice(0, 5) + k[6] + k[5] + k.slice(7))],
  ])("refuses %s", (_, change) => {
    expect(hasValidChecksum(change(generateApiKey()))).toBe(false);
  });

  it("stores a SHA-256 hash and shows an 8-character prefix that is not enough to use the key", () => {
    const key = generateApiKey();
    expect(hashApiKey(key)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hashesEqual(hashApiKey(key), hashApiKey(key))).toBe(true);
    expect(hashesEqual(hashApiKey(key), hashApiKey(generateApiKey()))).toBe(false);
    expect(displayPrefix(key)).toBe(key.slice(0, 8));
    expect(displayPrefix(key)).toMatch(/^pcs_[0-9A-Za-z]{4}$/);
  });
});
