// API keys: `pcs_<22 base62 chars = 131 bits>_<6 base62 chars of CRC-32>`.
// The fixed prefix lets secret scanners recognise a leaked key; the checksum
// lets the gateway refuse a mistyped key without a lookup. Only the SHA-256
// hash and a short display prefix are ever stored.
import { hash, timingSafeEqual } from "node:crypto";
import { BASE62, randomBase62 } from "./base62";

const RANDOM_LENGTH = 22; // 62^22 ≈ 2^131
const CHECKSUM_LENGTH = 6;
export const API_KEY_PATTERN = /^pcs_([0-9A-Za-z]{22})_([0-9A-Za-z]{6})$/;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text)) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function toBase62(value: number, width: number): string {
  let out = "";
  for (let i = 0; i < width; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

function checksumOf(random: string): string {
  return toBase62(crc32(`pcs_${random}`), CHECKSUM_LENGTH);
}

export function generateApiKey(): string {
  const random = randomBase62(RANDOM_LENGTH);
  return `pcs_${random}_${checksumOf(random)}`;
}

/** True when the key has the pcs_ shape and its checksum matches (catches typos before any lookup). */
export function hasValidChecksum(key: string): boolean {
  const match = API_KEY_PATTERN.exec(key);
  return match !== null && checksumOf(match[1]!) === match[2];
}

export function hashApiKey(key: string): string {
  return `sha256:${hash("sha256", key)}`;
}

/** What users see to tell keys apart: "pcs_AbC1" — never enough to use the key. */
export function displayPrefix(key: string): string {
  return key.slice(0, 8);
}

/** Constant-time comparison of two "sha256:<hex>" strings. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
