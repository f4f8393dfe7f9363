// The upstream account setting on a real database: it compiles into per_user, survives the server form's
// edits (which do not show it), is refused on a server that is not sign-in, and turning it off forgets
// the users' connections; another upstream application breaks them.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/database";
import type { CurrentUser } from "../../auth/session";
import { compileConfig } from "../../config/compile";
import { loadConfigSnapshot } from "../../controlplane/snapshot";
import { db, pool } from "../../db/client";
import { ConsoleError } from "../errors";
import { serverInputSchema } from "../schemas/server";
import { createServer, getServer, updateServer } from "../servers";
import { upstreamAccountWriteSchema } from "./account";
import { readUpstreamAccountView, revokeServerConnections, saveUpstreamAccount } from "./manage";

let database: TestDatabase;
let actor: CurrentUser;

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  process.env.PORTCULLIS_PUBLIC_URL = "https://mcp.example.com";
  process.env.NEXTAUTH_URL = "https://console.example.com";
  const user = await db().user.create({ data: { email: "admin@manage.test", role: "admin" } });
  actor = { id: user.id, email: user.email, name: "", role: "admin" };
});

afterAll(async () => {
  await db().$disconnect();
  await pool().end();
  await database?.drop();
});

const compiledServer = async (name: string) => compileConfig(await loadConfigSnapshot(db())).servers?.find((s) => s.name === name);

describe("the upstream account setting", () => {
  it("compiles into per_user, is kept across edits of the server form, and off removes the connections", async () => {
    const name = `own-${randomBytes(3).toString("hex")}`;
    const form = serverInputSchema.parse({ name, path: `/${name}`, upstream: "https://api.example.com/mcp", auth: { mode: "sign_in" } });
    const { id } = await createServer(actor, form);
    await saveUpstreamAccount(actor, id, upstreamAccountWriteSchema.parse({ account: { kind: "static" }, header: "X-Token", scheme: "" }));
    expect((await compiledServer(name))?.upstream_credential).toEqual({ per_user: { header: "X-Token", scheme: "" } });

    await updateServer(actor, id, { ...form, timeout_ms: 5000 });
    expect((await compiledServer(name))?.upstream_credential).toEqual({ per_user: { header: "X-Token", scheme: "" } });
    expect((await readUpstreamAccountView(id)).account).toEqual({ kind: "static" });

    // Away from sign-in, the kept per_user makes the gateways refuse the result: nothing is saved.
    const refused = await updateServer(actor, id, { ...form, auth: { mode: "passthrough" } } as never).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConsoleError);
    expect((await getServer(id)).settings.auth.mode).toBe("sign_in");

    const consumer = await db().consumer.create({ data: { username: `dev-${randomBytes(3).toString("hex")}` } });
    await db().upstreamConnection.create({ data: { consumerId: consumer.id, serverId: id, accessCiphertext: "v1:x:y:z" } });
    await saveUpstreamAccount(actor, id, upstreamAccountWriteSchema.parse({ account: null }));
    expect((await compiledServer(name))?.upstream_credential).toBeUndefined();
    expect(await db().upstreamConnection.count({ where: { serverId: id } })).toBe(0);
    const log = await db().activityLog.findMany({ where: { entityId: id, action: "server.upstream_account" }, orderBy: { time: "asc" } });
    expect(log.at(-1)?.after).toMatchObject({ account: null, connectionsRemoved: 1 });
  });

  it("breaks every connection when another upstream application is saved, and keeps them for its scopes or secret", async () => {
    const name = `app-${randomBytes(3).toString("hex")}`;
    const { id } = await createServer(actor, serverInputSchema.parse({ name, path: `/${name}`, upstream: "https://api.example.com/mcp", auth: { mode: "sign_in" } }));
    const application = {
      kind: "oauth" as const,
      authorize_url: "https://old.example.com/authorize",
      token_url: "https://old.example.com/token",
      client_id: "old-app",
      client_secret: "{vault://portcullis/old-secret}",
      scopes: ["repo"],
    };
    const save = (account: unknown) => saveUpstreamAccount(actor, id, upstreamAccountWriteSchema.parse({ account }));
    await save(application);
    for (const _ of [1, 2]) {
      const consumer = await db().consumer.create({ data: { username: `dev-${randomBytes(3).toString("hex")}` } });
      await db().upstreamConnection.create({ data: { consumerId: consumer.id, serverId: id, accessCiphertext: "v1:a:b:c", refreshCiphertext: "v1:r:e:f" } });
    }
    const connections = () => db().upstreamConnection.findMany({ where: { serverId: id }, select: { status: true, brokenReason: true, refreshCiphertext: true } });

    await save({ ...application, scopes: ["repo", "read:org"] });
    await save({ ...application, scopes: ["repo", "read:org"], client_secret: "{vault://portcullis/rotated-secret}" });
    expect(await connections()).toEqual([
      { status: "connected", brokenReason: null, refreshCiphertext: "v1:r:e:f" },
      { status: "connected", brokenReason: null, refreshCiphertext: "v1:r:e:f" },
    ]);

    await save({ ...application, token_url: "https://new.example.com/token" });
    const broken = { status: "broken", brokenReason: "the server's upstream application changed; connect again", refreshCiphertext: null };
    expect(await connections()).toEqual([broken, broken]);
    const log = await db().activityLog.findMany({ where: { entityId: id, action: "server.upstream_account" }, orderBy: { time: "asc" } });
    expect(log.map((entry) => (entry.after as { connectionsBroken?: number }).connectionsBroken)).toEqual([undefined, undefined, undefined, 2]);
  });

  it("is refused on a server that is not sign-in", async () => {
    const name = `keyed-${randomBytes(3).toString("hex")}`;
    const { id } = await createServer(actor, serverInputSchema.parse({ name, path: `/${name}`, upstream: "https://api.example.com/mcp", auth: { mode: "passthrough" } }));
    await expect(saveUpstreamAccount(actor, id, upstreamAccountWriteSchema.parse({ account: { kind: "static" } }))).rejects.toThrow(/sign-in auth mode/);
  });

  it("revoking a connection whose token cannot be opened still removes it (counted as not revoked at the upstream)", async () => {
    const name = `broken-${randomBytes(3).toString("hex")}`;
    const { id } = await createServer(actor, serverInputSchema.parse({ name, path: `/${name}`, upstream: "https://api.example.com/mcp", auth: { mode: "sign_in" } }));
    const account = {
      kind: "oauth",
      authorize_url: "https://upstream.example.com/authorize",
      token_url: "https://upstream.example.com/token",
      revocation_url: "https://upstream.example.com/revoke",
      client_id: "portcullis",
      client_secret: "{vault://portcullis/no-such-secret}",
      scopes: [],
    };
    await db().mcpServer.update({ where: { id }, data: { upstreamAccount: account } });
    const consumer = await db().consumer.create({ data: { username: `dev-${randomBytes(3).toString("hex")}` } });
    // Sealed under another key, or corrupted: it cannot be opened.
    await db().upstreamConnection.create({ data: { consumerId: consumer.id, serverId: id, accessCiphertext: "v1:x:y:z", refreshCiphertext: "v1:x:y:z" } });
    expect(await revokeServerConnections(actor, id)).toEqual({ revoked: 1 });
    expect(await db().upstreamConnection.count({ where: { serverId: id } })).toBe(0);
    const log = await db().activityLog.findFirst({ where: { action: "connection.revoke", entityName: `${consumer.username} → ${name}` } });
    expect(log?.after).toEqual({ revokedAtUpstream: false });
  });
});
