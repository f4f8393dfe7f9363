// Canonical JSON (object keys sorted, no whitespace) and its SHA-256: the
// identity of a config version on both sides of the control-plane channel,
// and the hash the gateway's /status reports.
import { createHash } from "node:crypto";
import { hashApiKey } from "../keys/api-key";

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A hand-written file may hold plain API keys: they are replaced by their
 * hashes first, so the config hash cannot help anyone guess a key. The
 * console's documents hold hashes only; for them this changes nothing.
 */
function withKeysHashed(document: unknown): unknown {
  if (!isRecord(document) || !Array.isArray(document.consumers)) return document;
  const consumers = document.consumers.map((consumer: unknown) =>
    isRecord(consumer) && Array.isArray(consumer.keys)
      ? { ...consumer, keys: consumer.keys.map((key: unknown) => (isRecord(key) && typeof key.key === "string" ? { ...key, key: undefined, hash: hashApiKey(key.key) } : key)) }
      : consumer,
  );
  return { ...document, consumers };
}

export function configHash(document: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(withKeysHashed(document)))}`;
}
