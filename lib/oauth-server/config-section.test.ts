// A sign_in server written in the console brings the authorization server with
// it: the first signing key is made (its private half sealed), the issuer
// recorded, and the compiled configuration carries both for the gateways;
// rotation publishes the next key before it signs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useConsoleDatabase } from "../../test/support/console";
import { compileConfig } from "../config/compile";
import { validateConfig } from "../core/config/validate";
import { loadConfigSnapshot } from "../controlplane/snapshot";
import { serverInputSchema } from "../console/schemas/server";
import { createServer } from "../console/servers";
import { consoleMasterKey } from "../console/vault/master-key";
import { PROPAGATION_MS, ROTATE_AFTER_MS, currentSigningKey, rotateSigningKeys } from "./signing-keys";

const ctx = useConsoleDatabase();
const saved = { NEXTAUTH_URL: process.env.NEXTAUTH_URL, PORTCULLIS_PUBLIC_URL: process.env.PORTCULLIS_PUBLIC_URL };

beforeAll(() => {
  process.env.NEXTAUTH_URL = "https://console.example.com";
  process.env.PORTCULLIS_PUBLIC_URL = "https://mcp.example.com";
});
afterAll(() => Object.assign(process.env, saved));

const compiled = async () => compileConfig(await loadConfigSnapshot(ctx.db));

describe("the compiled authorization_server", () => {
  it("is absent without sign_in routes, and written with the first one", async () => {
    const actor = await ctx.user("admin");
    expect((await compiled()).authorization_server).toBeUndefined();
    await createServer(actor, serverInputSchema.parse({ name: "docs", path: "/docs", upstream: "https://docs.example.com/mcp", auth: { mode: "sign_in" } }));
    const document = await compiled();
    expect(validateConfig(document, { publicUrl: "https://mcp.example.com" }).ok).toBe(true);
    const keys = await ctx.db.oAuthSigningKey.findMany();
    expect(keys).toHaveLength(1);
    expect(keys[0]!.privateCiphertext).toMatch(/^v1:/);
    expect(document.authorization_server).toEqual({ issuer: "https://console.example.com/api/oauth", jwks: { keys: [keys[0]!.publicJwk] } });
    expect(keys[0]!.publicJwk).not.toHaveProperty("d");
    expect(await currentSigningKey(ctx.db, consoleMasterKey())).toMatchObject({ kid: keys[0]!.kid, d: expect.any(String) });
  });

  it("rotation: the next key is published at once and signs once the gateways have had it", async () => {
    const [first] = await ctx.db.oAuthSigningKey.findMany();
    const due = new Date(first!.createdAt.getTime() + ROTATE_AFTER_MS);
    expect(await rotateSigningKeys(ctx.db, consoleMasterKey(), due)).toBe(true);
    const next = await ctx.db.oAuthSigningKey.findFirstOrThrow({ where: { kid: { not: first!.kid } } });
    const published = compileConfig(await loadConfigSnapshot(ctx.db, due)).authorization_server?.jwks.keys.map((k) => k.kid) ?? [];
    expect(published.sort()).toEqual([first!.kid, next.kid].sort());
    expect((await currentSigningKey(ctx.db, consoleMasterKey(), due)).kid).toBe(first!.kid);
    expect((await currentSigningKey(ctx.db, consoleMasterKey(), new Date(due.getTime() + PROPAGATION_MS))).kid).toBe(next.kid);
  });
});
