import { describe, expect, it } from "vitest";
import { configHash } from "../../../lib/core/config/canonical";
import { hashApiKey } from "../../../lib/core/keys/api-key";
import { findKey } from "../pipeline/identify-by-key";
import { ConfigStore } from "./config-store";

const doc = (key: string, extra: Record<string, unknown> = {}) => ({
  version: 1,
  consumer_groups: [{ name: "admin" }],
  consumers: [
    { username: "alice", groups: ["admin"], keys: [{ key }] },
    { username: "bob", keys: [{ hash: hashApiKey("bob-key-123"), expires_at: "2001-01-01T00:00:00Z" }] },
  ],
  servers: [{ name: "one", path: "/one", upstream: "http://127.0.0.1:1/mcp", auth: { mode: "passthrough" } }],
  ...extra,
});

describe("ConfigStore.apply: validate → compile → swap", () => {
  it("swaps in a valid document and counts versions", () => {
    const store = new ConfigStore();
    expect(store.apply(doc("alice-key-123"), "a")).toMatchObject({ ok: true, version: 1 });
    const first = store.current!;
    expect(store.apply(doc("alice-key-456"), "b")).toMatchObject({ ok: true, version: 2 });
    expect(store.current).not.toBe(first);
    // A request that took `first` keeps it whole.
    expect(findKey(first, "alice-key-123", Date.now())?.consumer.username).toBe("alice");
    expect(findKey(store.current!, "alice-key-123", Date.now())).toBeUndefined();
  });

  it("keeps the old config when the new one has problems, and reports every problem", () => {
    const store = new ConfigStore();
    store.apply(doc("alice-key-123"), "a");
    const before = store.current;
    const bad = doc("alice-key-123", { servers: [{ name: "one", path: "one", upstream: "nope", auth: { mode: "passthrough" } }] });
    const result = store.apply(bad, "b");
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual([expect.stringMatching(/^servers\[0\]\.path: /), expect.stringMatching(/^servers\[0\]\.upstream: /)]);
    expect(store.current).toBe(before);
    expect(store.state?.version).toBe(1);
    expect(store.lastRejected?.problems).toHaveLength(2);
  });

  it("hashes plain keys at load, refuses expired keys, and keeps keys out of the config hash", () => {
    const store = new ConfigStore();
    store.apply(doc("alice-key-123"), "a");
    const config = store.current!;
    expect([...config.keys.keys()]).toContain(hashApiKey("alice-key-123"));
    expect(JSON.stringify([...config.keys.values()])).not.toContain("alice-key-123");
    expect(findKey(config, "bob-key-123", Date.now())).toBeUndefined();
    const hash = store.state!.hash;
    const other = new ConfigStore();
    other.apply(doc("alice-key-123"), "b");
    expect(other.state!.hash).toBe(hash);
    other.apply(doc("alice-key-124"), "c");
    expect(other.state!.hash).not.toBe(hash);
    // The plain key counts only through its hash.
    const plain = doc("alice-key-123");
    const hashed = { ...plain, consumers: [{ ...plain.consumers[0], keys: [{ hash: hashApiKey("alice-key-123") }] }, plain.consumers[1]] };
    expect(configHash(hashed)).toBe(hash);
  });

  it("reports the canonical hash the console computes for the document, whatever its key order or omitted defaults", () => {
    const document = doc("alice-key-123");
    const reordered = Object.fromEntries(Object.entries(document).reverse());
    const store = new ConfigStore();
    expect(store.apply(reordered, "a")).toMatchObject({ ok: true, hash: configHash(document) });
    expect(store.state!.hash).toBe(configHash(document));
    expect(store.state!.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("refuses a token_swap route whose audience would come from the Host header", () => {
    const swap = {
      name: "swap",
      path: "/swap",
      upstream: "http://127.0.0.1:1/mcp",
      auth: { mode: "token_swap", issuer: "https://idp.test", jwks: { uri: "https://idp.test/jwks" } },
    };
    const result = new ConfigStore().apply(doc("alice-key-123", { servers: [swap] }), "a");
    expect(result.ok ? [] : result.problems).toEqual([
      expect.stringMatching(/^servers\[0\]\.auth\.audience: set an audience, or a public URL for the gateway \(gateway.public_url/),
    ]);
    expect(new ConfigStore({ publicUrl: "https://gw.test" }).apply(doc("alice-key-123", { servers: [swap] }), "b").ok).toBe(true);
    expect(new ConfigStore().apply(doc("alice-key-123", { servers: [{ ...swap, auth: { ...swap.auth, audience: "urn:swap" } }] }), "c").ok).toBe(true);
  });

  it("applies secret patterns that name a group alike, and masks with both", () => {
    const store = new ConfigStore();
    const patterns = [
      { name: "acme", pattern: "acme_(?<v>[a-z]{8})" },
      { name: "corp", pattern: "corp_(?<v>[0-9]{8})" },
    ];
    const servers = [{ name: "one", path: "/one", upstream: "http://127.0.0.1:1/mcp", auth: { mode: "passthrough" }, result_redaction: "secrets" }];
    expect(store.apply(doc("alice-key-123", { secret_patterns: patterns, servers }), "a")).toMatchObject({ ok: true, version: 1 });
    expect(store.current!.routes.get("/one")!.resultMasker!.mask("acme_abcdefgh corp_12345678")).toEqual({ text: "[redacted:acme] [redacted:corp]", count: 2 });
  });

  it("routes answer with and without a trailing slash, and so does their metadata", () => {
    const store = new ConfigStore();
    store.apply(doc("alice-key-123"), "a");
    const { routes, metadataRoutes } = store.current!;
    expect([...routes.keys()]).toEqual(["/one", "/one/"]);
    expect([...metadataRoutes.keys()]).toEqual(["/.well-known/oauth-protected-resource/one", "/.well-known/oauth-protected-resource/one/"]);
  });
});
