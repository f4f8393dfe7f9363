// The admin's upstream account setting of a server, and the connections seen
// from both sides: a developer's own (Connected accounts: disconnect) and a
// server's (admin: who is connected, which are broken, revoke one or all).
// Removing a connection forgets its sealed tokens and, where the upstream has
// a revocation endpoint, revokes the grant there too (best effort).
import type { CurrentUser } from "../../auth/session";
import { configWrite } from "../../controlplane/config-check";
import { db } from "../../db/client";
import { Prisma } from "../../generated/prisma/client";
import { recordActivity } from "../activity";
import { ConsoleError, notFound } from "../errors";
import { APPLICATION_CHANGED, isOtherApplication, perUserOf, readUpstreamAccount, type UpstreamAccount, type UpstreamAccountWrite } from "./account";
import { clientSecretOf, signedInConsumer } from "./connect-flow";
import { openToken } from "./sealed-tokens";
import { revokeAtUpstream } from "./upstream-oauth";

export interface UpstreamAccountView {
  account: UpstreamAccount | null;
  header: string;
  scheme: string;
}

export function upstreamAccountView(row: { authSettings: unknown; upstreamAccount: unknown }): UpstreamAccountView {
  const perUser = perUserOf(row.authSettings);
  return perUser ? { account: readUpstreamAccount(row.upstreamAccount) ?? { kind: "static" }, ...perUser } : { account: null, header: "Authorization", scheme: "Bearer" };
}

export async function readUpstreamAccountView(serverId: string): Promise<UpstreamAccountView> {
  const row = await db().mcpServer.findUnique({ where: { id: serverId }, select: { authSettings: true, upstreamAccount: true } });
  if (!row) throw notFound("This MCP server");
  return upstreamAccountView(row);
}

/**
 * Every connection of the server, after its upstream application changed: broken, with the refresh token forgotten
 * (it belongs to the old application and must reach no other token URL) and any refresh claim cleared, so a refresh
 * running against the old application cannot store what it gets (upstream-token-answer.ts).
 */
async function breakAllConnections(tx: Prisma.TransactionClient, serverId: string): Promise<number> {
  const data = { status: "broken" as const, brokenReason: APPLICATION_CHANGED, refreshCiphertext: null, refreshClaimId: null, refreshClaimedUntil: null };
  return (await tx.upstreamConnection.updateMany({ where: { serverId }, data })).count;
}

/**
 * Saves the setting and the `per_user` section it compiles to, checked like every server write; off removes the
 * connections too, and another application (isOtherApplication) breaks them, in the same transaction.
 */
export async function saveUpstreamAccount(actor: CurrentUser, serverId: string, input: UpstreamAccountWrite): Promise<UpstreamAccountView> {
  return configWrite(async (tx) => {
    const row = await tx.mcpServer.findUnique({ where: { id: serverId }, select: { name: true, authMode: true, authSettings: true, upstreamAccount: true } });
    if (!row) throw notFound("This MCP server");
    if (row.authMode !== "sign_in")
      throw new ConsoleError("invalid", "Each user's own upstream credential needs the sign-in auth mode.", { account: "switch the server to sign-in first" });
    const { upstream_credential: _credential, ...auth } = row.authSettings as Record<string, unknown>;
    const authSettings = input.account ? { ...auth, upstream_credential: { per_user: { header: input.header, scheme: input.scheme } } } : auth;
    await tx.mcpServer.update({
      where: { id: serverId },
      data: { authSettings: authSettings as Prisma.InputJsonValue, upstreamAccount: input.account ? (input.account as Prisma.InputJsonValue) : Prisma.DbNull },
    });
    const before = upstreamAccountView(row);
    const removed = input.account ? 0 : (await tx.upstreamConnection.deleteMany({ where: { serverId } })).count;
    const broken = input.account && before.account && isOtherApplication(before.account, input.account) ? await breakAllConnections(tx, serverId) : 0;
    await recordActivity(tx, actor, {
      action: "server.upstream_account",
      entityType: "server",
      entityId: serverId,
      entityName: row.name,
      before,
      after: { ...input, ...(removed ? { connectionsRemoved: removed } : {}), ...(broken ? { connectionsBroken: broken } : {}) },
    });
    return { account: input.account, header: input.header, scheme: input.scheme };
  });
}

export interface ConnectionView {
  id: string;
  server: string;
  consumer: string;
  status: "connected" | "broken";
  brokenReason: string | null;
  scopes: string[];
  expiresAt: string | null;
  lastUsedAt: string | null;
  connectedAt: string;
}

const VIEW_SELECT = {
  id: true,
  status: true,
  brokenReason: true,
  scopes: true,
  expiresAt: true,
  lastUsedAt: true,
  connectedAt: true,
  server: { select: { name: true } },
  consumer: { select: { username: true } },
} as const;

type ViewRow = Prisma.UpstreamConnectionGetPayload<{ select: typeof VIEW_SELECT }>;

const toView = (row: ViewRow): ConnectionView => ({
  id: row.id,
  server: row.server.name,
  consumer: row.consumer.username,
  status: row.status,
  brokenReason: row.brokenReason,
  scopes: row.scopes,
  expiresAt: row.expiresAt?.toISOString() ?? null,
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  connectedAt: row.connectedAt.toISOString(),
});

export interface ConnectableServer {
  name: string;
  kind: UpstreamAccount["kind"];
  scopes: string[];
  connection: ConnectionView | null;
}

/** Connected accounts: every per_user server, with the user's connection to it if any; empty when the user has no sign-in consumer. */
export async function listMyConnections(user: CurrentUser): Promise<ConnectableServer[]> {
  const consumer = await signedInConsumer(user).catch((error: unknown) => {
    if (error instanceof ConsoleError) return undefined;
    throw error;
  });
  const servers = await db().mcpServer.findMany({
    where: { authMode: "sign_in" },
    select: { id: true, name: true, authSettings: true, upstreamAccount: true },
    orderBy: { name: "asc" },
  });
  const connections = consumer ? await db().upstreamConnection.findMany({ where: { consumerId: consumer.id }, select: VIEW_SELECT }) : [];
  return servers
    .filter((server) => perUserOf(server.authSettings))
    .map((server) => {
      const account = readUpstreamAccount(server.upstreamAccount) ?? { kind: "static" as const };
      const connection = connections.find((c) => c.server.name === server.name);
      return { name: server.name, kind: account.kind, scopes: account.kind === "oauth" ? account.scopes : [], connection: connection ? toView(connection) : null };
    });
}

export async function listServerConnections(serverId: string): Promise<ConnectionView[]> {
  const rows = await db().upstreamConnection.findMany({ where: { serverId }, select: VIEW_SELECT, orderBy: [{ status: "asc" }, { consumer: { username: "asc" } }] });
  return rows.map(toView);
}

/**
 * Tells the upstream, where it has a revocation endpoint. A broken connection is not revoked: its grant was refused
 * already, or it belongs to an application the server no longer has (whose tokens the new one must never see).
 * A secret or token that cannot be opened (a deleted vault secret, a changed master key) must not keep the
 * connection alive, so it counts as not revoked.
 */
async function revokeRowAtUpstream(row: {
  id: string;
  accessCiphertext: string;
  refreshCiphertext: string | null;
  status: "connected" | "broken";
  server: { upstreamAccount: Prisma.JsonValue };
}): Promise<boolean> {
  const account = readUpstreamAccount(row.server.upstreamAccount);
  if (row.status === "broken" || account?.kind !== "oauth" || !account.revocation_url) return false;
  try {
    const token = row.refreshCiphertext
      ? { value: openToken(row.id, "refresh", row.refreshCiphertext), hint: "refresh_token" as const }
      : { value: openToken(row.id, "access", row.accessCiphertext), hint: "access_token" as const };
    return await revokeAtUpstream(account, await clientSecretOf(account), token);
  } catch (error) {
    console.error(`connections: revoking connection ${row.id} at the upstream failed: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

/** Revokes at the upstream what it can, then forgets the connections; one activity entry per connection. */
async function removeConnections(actor: CurrentUser, where: Prisma.UpstreamConnectionWhereInput, action: "connection.disconnect" | "connection.revoke"): Promise<number> {
  const rows = await db().upstreamConnection.findMany({
    where,
    select: {
      id: true,
      accessCiphertext: true,
      refreshCiphertext: true,
      status: true,
      server: { select: { name: true, upstreamAccount: true } },
      consumer: { select: { username: true } },
    },
  });
  for (const row of rows) {
    const revoked = await revokeRowAtUpstream(row);
    await db().$transaction(async (tx) => {
      await tx.upstreamConnection.deleteMany({ where: { id: row.id } });
      await recordActivity(tx, actor, {
        action,
        entityType: "connection",
        entityId: row.id,
        entityName: `${row.consumer.username} → ${row.server.name}`,
        before: { server: row.server.name, consumer: row.consumer.username },
        after: { revokedAtUpstream: revoked },
      });
    });
  }
  return rows.length;
}

export async function disconnectMine(user: CurrentUser, connectionId: string): Promise<void> {
  const consumer = await signedInConsumer(user);
  const removed = await removeConnections(user, { id: connectionId, consumerId: consumer.id }, "connection.disconnect");
  if (removed === 0) throw notFound("This connection");
}

/** Admin: one connection of the server, or all of them when `connectionId` is omitted. */
export async function revokeServerConnections(actor: CurrentUser, serverId: string, connectionId?: string): Promise<{ revoked: number }> {
  const revoked = await removeConnections(actor, { serverId, ...(connectionId ? { id: connectionId } : {}) }, "connection.revoke");
  if (connectionId && revoked === 0) throw notFound("This connection");
  return { revoked };
}
