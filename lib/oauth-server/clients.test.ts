// The MCP clients registry on a real database: a pre-registered client is
// stored where oidc-provider reads clients; dynamic registration in approval
// mode leaves a client pending until approved; blocking revokes the client's
// grants with their codes and refresh tokens, is compiled into
// `authorization_server.blocked_clients`, and every decision is in the
// activity log. Clients registered before the registry are listed by its
// migration.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useConsoleDatabase } from "../../test/support/console";
import { createTestDatabase } from "../../test/support/database";
import { compileConfig } from "../config/compile";
import { loadConfigSnapshot } from "../controlplane/snapshot";
import { createDb } from "../db/client";
import { applyMigrations, readMigrations } from "../db/migrate";
import { serverInputSchema } from "../console/schemas/server";
import { preRegisteredClientSchema } from "../console/schemas/oauth-client";
import { createServer } from "../console/servers";
import {
  assertClientMayAuthorize,
  decideOAuthClient,
  listOAuthClients,
  preRegisterClient,
  pruneUnusedClients,
  recordClientSeen,
  recordClientSignIn,
  UNUSED_CLIENT_MS,
} from "./clients";
import { PrismaOAuthAdapter } from "./prisma-adapter";

const ctx = useConsoleDatabase();
const saved = {
  NEXTAUTH_URL: process.env.NEXTAUTH_URL,
  PORTCULLIS_PUBLIC_URL: process.env.PORTCULLIS_PUBLIC_URL,
  PORTCULLIS_OAUTH_REGISTRATION: process.env.PORTCULLIS_OAUTH_REGISTRATION,
};

beforeAll(() => {
  process.env.NEXTAUTH_URL = "https://console.example.com";
  process.env.PORTCULLIS_PUBLIC_URL = "https://mcp.example.com";
});
const restore = (name: keyof typeof saved) => (saved[name] === undefined ? delete process.env[name] : (process.env[name] = saved[name]));
afterAll(() => (Object.keys(saved) as (keyof typeof saved)[]).forEach(restore));

const CIMD = "https://agent.example/client.json";

async function grant(clientId: string, accountId: string, grantId: string) {
  await ctx.db.oAuthRecord.create({ data: { model: "Grant", id: grantId, payload: { clientId, accountId, kind: "Grant" } } });
  await ctx.db.oAuthRecord.create({ data: { model: "RefreshToken", id: `rt-${grantId}`, grantId, payload: { grantId, clientId } } });
}

describe("the MCP clients registry", () => {
  it("pre-registers a public client where oidc-provider finds it, with an activity entry", async () => {
    const admin = await ctx.user("admin");
    const input = preRegisteredClientSchema.parse({ name: "Team agent", redirect_uris: ["http://127.0.0.1:33418/callback", "https://agent.example/cb"] });
    const { clientId } = await preRegisterClient(admin, input);
    const stored = await new PrismaOAuthAdapter("Client").find(clientId);
    expect(stored).toMatchObject({ client_id: clientId, client_name: "Team agent", redirect_uris: input.redirect_uris, token_endpoint_auth_method: "none" });
    expect((await listOAuthClients()).find((c) => c.clientId === clientId)).toMatchObject({ origin: "console", status: "active", usersWithGrants: 0, firstSignInAt: null });
    expect(await ctx.db.activityLog.findFirst({ where: { action: "oauth_client.register", entityId: clientId } })).toMatchObject({ actorEmail: admin.email });
  });

  it.each([
    [{ name: "x", redirect_uris: ["http://agent.example/cb"] }, "redirect_uris.0"],
    [{ name: "x", redirect_uris: ["https://agent.example/cb#frag"] }, "redirect_uris.0"],
    [{ name: "x", redirect_uris: ["not a url"] }, "redirect_uris.0"],
    [{ name: "x", redirect_uris: [] }, "redirect_uris"],
    [{ name: "", redirect_uris: ["https://agent.example/cb"] }, "name"],
  ])("refuses the pre-registration %j at %s", (input, path) => {
    const parsed = preRegisteredClientSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join("."))).toContain(path);
  });

  it("records a metadata-document client when first seen, and its sign-ins", async () => {
    expect(await recordClientSeen(CIMD, { name: "Agent", redirectUris: ["http://127.0.0.1/cb"] })).toEqual({ origin: "metadata_document", status: "active" });
    await recordClientSignIn(CIMD, new Date("2026-12-03T10:00:00Z"));
    await recordClientSignIn(CIMD, new Date("2026-12-03T11:00:00Z"));
    await grant(CIMD, "dana@example.com", "g1");
    await grant(CIMD, "dana@example.com", "g2");
    await grant(CIMD, "omar@example.com", "g3");
    expect((await listOAuthClients()).find((c) => c.clientId === CIMD)).toMatchObject({
      name: "Agent",
      firstSignInAt: "2026-12-03T10:00:00.000Z",
      lastSignInAt: "2026-12-03T11:00:00.000Z",
      usersWithGrants: 2,
    });
  });

  it("approval mode: a metadata-document client seen for the first time waits for an admin too", async () => {
    process.env.PORTCULLIS_OAUTH_REGISTRATION = "approval";
    try {
      const cimd = "https://other-agent.example/client.json";
      expect(await recordClientSeen(cimd, { name: "Other agent", redirectUris: ["http://127.0.0.1/cb"] })).toEqual({ origin: "metadata_document", status: "pending" });
      await expect(assertClientMayAuthorize(cimd)).rejects.toThrow(/awaits an administrator's approval/);
      expect(await decideOAuthClient(await ctx.user("admin"), cimd, "approve")).toMatchObject({ status: "active" });
      // Seen again, an approved document keeps its status.
      expect(await recordClientSeen(cimd, { name: "Other agent", redirectUris: ["http://127.0.0.1/cb"] })).toEqual({ origin: "metadata_document", status: "active" });
      await assertClientMayAuthorize(cimd);
    } finally {
      restore("PORTCULLIS_OAUTH_REGISTRATION");
    }
  });

  it("approval mode: a registered client is pending, refused, and approved by an admin", async () => {
    process.env.PORTCULLIS_OAUTH_REGISTRATION = "approval";
    try {
      await new PrismaOAuthAdapter("Client").upsert("dcr-1", { client_id: "dcr-1", client_name: "Self-registered", redirect_uris: ["http://127.0.0.1/cb"] }, 0);
    } finally {
      restore("PORTCULLIS_OAUTH_REGISTRATION");
    }
    expect((await listOAuthClients()).find((c) => c.clientId === "dcr-1")).toMatchObject({ origin: "registration", status: "pending", name: "Self-registered" });
    await expect(assertClientMayAuthorize("dcr-1")).rejects.toThrow(/awaits an administrator's approval/);
    const admin = await ctx.user("admin");
    await expect(decideOAuthClient(admin, "dcr-1", "unblock")).rejects.toMatchObject({ code: "conflict" });
    expect(await decideOAuthClient(admin, "dcr-1", "approve")).toEqual({ status: "active", revokedGrants: 0 });
    await expect(assertClientMayAuthorize("dcr-1")).resolves.toBeUndefined();
    await expect(decideOAuthClient(admin, "dcr-1", "approve")).rejects.toMatchObject({ code: "conflict" });
    // Open registration (the default): active at once.
    await new PrismaOAuthAdapter("Client").upsert("dcr-2", { client_id: "dcr-2", redirect_uris: [] }, 0);
    expect((await listOAuthClients()).find((c) => c.clientId === "dcr-2")).toMatchObject({ status: "active" });
  });

  it("prunes registered clients nobody signed in with after a week, and only those", async () => {
    const adapter = new PrismaOAuthAdapter("Client");
    for (const id of ["unused-old", "used-old", "blocked-old", "unused-new"]) await adapter.upsert(id, { client_id: id, redirect_uris: ["http://127.0.0.1/cb"] }, 0);
    await recordClientSignIn("used-old");
    const admin = await ctx.user("admin");
    await decideOAuthClient(admin, "blocked-old", "block");
    const now = new Date(Date.now() + UNUSED_CLIENT_MS + 60_000);
    await ctx.db.oAuthClient.update({ where: { clientId: "unused-new" }, data: { createdAt: new Date(now.getTime() - UNUSED_CLIENT_MS + 60_000) } });

    expect(await pruneUnusedClients(now)).toBeGreaterThanOrEqual(1);
    const left = new Set((await listOAuthClients()).map((c) => c.clientId));
    expect(["unused-old", "used-old", "blocked-old", "unused-new"].filter((id) => left.has(id))).toEqual(["used-old", "blocked-old", "unused-new"]);
    // Gone where oidc-provider looks too: the client id is unknown from now on.
    expect(await adapter.find("unused-old")).toBeUndefined();
    expect(await adapter.find("used-old")).toBeDefined();
    // The other tests compile this database's configuration: no blocked client of ours stays in it.
    await decideOAuthClient(admin, "blocked-old", "unblock");
  });

  it("blocking revokes the client's grants and refresh tokens, refuses sign-ins, and is compiled for the gateways", async () => {
    const admin = await ctx.user("admin");
    await createServer(admin, serverInputSchema.parse({ name: "docs", path: "/docs", upstream: "https://docs.example.com/mcp", auth: { mode: "sign_in" } }));
    await grant("dcr-2", "dana@example.com", "g-other");
    expect(compileConfig(await loadConfigSnapshot(ctx.db)).authorization_server).not.toHaveProperty("blocked_clients");

    expect(await decideOAuthClient(admin, CIMD, "block")).toEqual({ status: "blocked", revokedGrants: 3 });
    expect(await ctx.db.oAuthRecord.count({ where: { OR: [{ grantId: { in: ["g1", "g2", "g3"] } }, { id: { in: ["g1", "g2", "g3"] } }] } })).toBe(0);
    // Another client's grant is untouched.
    expect(await ctx.db.oAuthRecord.count({ where: { OR: [{ id: "g-other" }, { grantId: "g-other" }] } })).toBe(2);
    await expect(assertClientMayAuthorize(CIMD)).rejects.toThrow(/blocked this MCP client/);
    expect((await listOAuthClients()).find((c) => c.clientId === CIMD)).toMatchObject({ status: "blocked", usersWithGrants: 0 });
    expect(compileConfig(await loadConfigSnapshot(ctx.db)).authorization_server?.blocked_clients).toEqual([CIMD]);
    await expect(decideOAuthClient(admin, CIMD, "block")).rejects.toMatchObject({ code: "conflict" });
    const logged = await ctx.db.activityLog.findFirstOrThrow({ where: { action: "oauth_client.block", entityId: CIMD } });
    expect(logged).toMatchObject({ before: { status: "active" }, after: { status: "blocked", revokedGrants: 3 } });

    await decideOAuthClient(admin, CIMD, "unblock");
    expect(compileConfig(await loadConfigSnapshot(ctx.db)).authorization_server).not.toHaveProperty("blocked_clients");
    await expect(decideOAuthClient(admin, "no-such-client", "block")).rejects.toMatchObject({ code: "not_found" });
  });

  it("the migration lists clients registered before it as dynamically registered and active", async () => {
    const migrations = readMigrations();
    const database = await createTestDatabase({ migrations: migrations.filter((m) => m.name < "20261204120000") });
    const early = createDb(database.url);
    try {
      const payload = JSON.stringify({ client_id: "old-dcr", client_name: "Old agent", redirect_uris: ["http://127.0.0.1:5000/cb"] });
      await early.$executeRaw`INSERT INTO "OAuthRecord" ("model", "id", "payload") VALUES ('Client', 'old-dcr', ${payload}::jsonb)`;
      await applyMigrations(database.url, migrations);
      expect(await early.oAuthClient.findMany()).toMatchObject([
        { clientId: "old-dcr", origin: "registration", name: "Old agent", redirectUris: ["http://127.0.0.1:5000/cb"], status: "active" },
      ]);
    } finally {
      await early.$disconnect();
      await database.drop();
    }
  });
});
