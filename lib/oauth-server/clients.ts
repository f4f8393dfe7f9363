// The MCP clients of Sign in with Portcullis, as admins see and decide them.
// A client comes one of three ways: a Client ID Metadata Document (its
// client_id is the document's https URL; recorded when it first reaches the
// consent page), dynamic registration (RFC 7591; recorded by the storage
// adapter as it is registered), or an admin's pre-registration here. With
// PORTCULLIS_OAUTH_REGISTRATION=approval the first two are pending an admin's
// approval when first recorded.
// A blocked client gets no new grant (the consent page refuses it), loses the
// grants it has (so its refresh tokens stop working), and its ids go to the
// gateways in `authorization_server.blocked_clients`, which refuse the access
// tokens it still holds.
import { randomUUID } from "node:crypto";
import type { CurrentUser } from "../auth/session";
import { recordActivity } from "../console/activity";
import { ConsoleError } from "../console/errors";
import type { PreRegisteredClientInput } from "../console/schemas/oauth-client";
import { db, type Db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { CLIENT_REFUSALS, type ClientOrigin, type ClientStatus } from "./client-status";
import { GRANT_MODEL, revokeGrants } from "./grants";
import { readAuthorizationServerSettings } from "./settings";

type Tx = Db | Prisma.TransactionClient;

export interface OAuthClientView {
  clientId: string;
  origin: ClientOrigin;
  name: string | null;
  redirectUris: string[];
  status: ClientStatus;
  createdAt: string;
  firstSignInAt: string | null;
  lastSignInAt: string | null;
  /** Distinct consumers holding a live grant for the client. */
  usersWithGrants: number;
}

/** The oidc-provider model registered clients are stored under (lib/oauth-server/prisma-adapter.ts). */
export const CLIENT_MODEL = "Client";

/** A Client ID Metadata Document's client_id is its https URL; a registered client's never is. */
const originOf = (clientId: string): ClientOrigin => (clientId.startsWith("https://") ? "metadata_document" : "registration");

/** In approval mode every new client waits for an admin, however it came: else a metadata document would be the way around it. */
const statusOfNewClient = (): ClientStatus => (readAuthorizationServerSettings(process.env).registration === "approval" ? "pending" : "active");

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** Called by the storage adapter in the transaction that stores a dynamically registered client. */
export async function recordRegisteredClient(tx: Tx, clientId: string, metadata: { client_name?: unknown; redirect_uris?: unknown }): Promise<void> {
  const name = typeof metadata.client_name === "string" ? metadata.client_name : null;
  await tx.oAuthClient.upsert({
    where: { clientId },
    create: { clientId, origin: "registration", name, redirectUris: list(metadata.redirect_uris), status: statusOfNewClient() },
    update: { name, redirectUris: list(metadata.redirect_uris) },
  });
}

/** A registered client nobody signed in with for this long is dropped: registration needs no credentials. */
export const UNUSED_CLIENT_MS = 7 * 24 * 3_600_000;

/**
 * Deletes dynamically registered clients that no one ever signed in with and that are older than a week
 * (pending ones too: an admin who has not decided in a week gets a fresh request when the client returns,
 * and RFC 7591 clients register again on invalid_client). Blocked ones stay, so the block stays on record.
 */
export async function pruneUnusedClients(now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - UNUSED_CLIENT_MS);
  return db().$transaction(async (tx) => {
    const unused = await tx.oAuthClient.findMany({
      where: { origin: "registration", firstSignInAt: null, status: { not: "blocked" }, createdAt: { lt: before } },
      select: { clientId: true },
      take: 10_000,
    });
    const ids = unused.map((c) => c.clientId);
    if (ids.length === 0) return 0;
    await tx.oAuthRecord.deleteMany({ where: { model: CLIENT_MODEL, id: { in: ids } } });
    const { count } = await tx.oAuthClient.deleteMany({ where: { clientId: { in: ids } } });
    return count;
  });
}

/**
 * The client as the consent page names it, recorded on first sight (a metadata document's name and
 * redirect URIs are refreshed, as the document may change). A registered client stored before this
 * record existed is treated as newly registered.
 */
export async function recordClientSeen(clientId: string, seen: { name?: string; redirectUris: string[] }): Promise<{ origin: ClientOrigin; status: ClientStatus }> {
  const origin = originOf(clientId);
  const details = { name: seen.name ?? null, redirectUris: seen.redirectUris };
  return db().oAuthClient.upsert({
    where: { clientId },
    create: { clientId, origin, ...details, status: statusOfNewClient() },
    update: origin === "metadata_document" ? details : {},
    select: { origin: true, status: true },
  });
}

/** The client's status, or undefined for one the console never recorded. */
export async function clientStatus(clientId: string): Promise<ClientStatus | undefined> {
  return (await db().oAuthClient.findUnique({ where: { clientId }, select: { status: true } }))?.status;
}

/**
 * Refuses a sign-in through a client that is blocked or awaits approval — or that the console never
 * recorded: every client is recorded before its users can allow it (registered, or seen on the
 * consent page and again when the answer comes), so an unrecorded one came some other way.
 */
export async function assertClientMayAuthorize(clientId: string): Promise<void> {
  const status = await clientStatus(clientId);
  if (status !== "active") throw new ConsoleError("forbidden", CLIENT_REFUSALS[status ?? "unknown"]);
}

export async function recordClientSignIn(clientId: string, now = new Date()): Promise<void> {
  await db().oAuthClient.updateMany({ where: { clientId, firstSignInAt: null }, data: { firstSignInAt: now } });
  await db().oAuthClient.updateMany({ where: { clientId }, data: { lastSignInAt: now } });
}

/** The ids the gateways refuse tokens of (the compiled `authorization_server.blocked_clients`). */
export async function blockedClientIds(tx: Tx): Promise<string[]> {
  const rows = await tx.oAuthClient.findMany({ where: { status: "blocked" }, select: { clientId: true }, orderBy: { clientId: "asc" } });
  return rows.map((r) => r.clientId);
}

/** Live grants (oidc-provider's records), as client id → consumers holding one. */
async function grantHolders(tx: Tx, now: Date): Promise<Map<string, Set<string>>> {
  const grants = await tx.oAuthRecord.findMany({ where: { model: GRANT_MODEL, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }, select: { payload: true } });
  const holders = new Map<string, Set<string>>();
  for (const { payload } of grants) {
    const { clientId, accountId } = payload as { clientId?: string; accountId?: string };
    if (!clientId || !accountId) continue;
    let set = holders.get(clientId);
    if (!set) holders.set(clientId, (set = new Set()));
    set.add(accountId);
  }
  return holders;
}

export async function listOAuthClients(now = new Date()): Promise<OAuthClientView[]> {
  const [clients, holders] = await Promise.all([db().oAuthClient.findMany({ orderBy: [{ createdAt: "desc" }, { clientId: "asc" }] }), grantHolders(db(), now)]);
  return clients.map((c) => ({
    clientId: c.clientId,
    origin: c.origin,
    name: c.name,
    redirectUris: c.redirectUris,
    status: c.status,
    createdAt: c.createdAt.toISOString(),
    firstSignInAt: c.firstSignInAt?.toISOString() ?? null,
    lastSignInAt: c.lastSignInAt?.toISOString() ?? null,
    usersWithGrants: holders.get(c.clientId)?.size ?? 0,
  }));
}

/** Registers a public client (PKCE, no secret) in oidc-provider's storage and on the page; returns its client_id. */
export async function preRegisterClient(actor: CurrentUser, input: Required<PreRegisteredClientInput>): Promise<{ clientId: string }> {
  const clientId = `portcullis-${randomUUID()}`;
  const metadata = {
    client_id: clientId,
    client_id_issued_at: Math.floor(Date.now() / 1000),
    client_name: input.name,
    redirect_uris: input.redirect_uris,
    token_endpoint_auth_method: "none",
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
  };
  await db().$transaction(async (tx) => {
    await tx.oAuthRecord.create({ data: { model: CLIENT_MODEL, id: clientId, payload: metadata } });
    await tx.oAuthClient.create({ data: { clientId, origin: "console", name: input.name, redirectUris: input.redirect_uris, status: "active" } });
    await recordActivity(tx, actor, {
      action: "oauth_client.register",
      entityType: "oauth_client",
      entityId: clientId,
      entityName: input.name,
      after: { name: input.name, redirectUris: input.redirect_uris },
    });
  });
  return { clientId };
}

const DECISIONS = {
  approve: { from: ["pending"], to: "active", refusal: "Only a client that awaits approval can be approved." },
  block: { from: ["active", "pending"], to: "blocked", refusal: "This client is already blocked." },
  unblock: { from: ["blocked"], to: "active", refusal: "This client is not blocked." },
} as const satisfies Record<string, { from: readonly ClientStatus[]; to: ClientStatus; refusal: string }>;

export type ClientDecision = keyof typeof DECISIONS;

export async function decideOAuthClient(actor: CurrentUser, clientId: string, decision: ClientDecision): Promise<{ status: ClientStatus; revokedGrants: number }> {
  const rule = DECISIONS[decision];
  return db().$transaction(async (tx) => {
    // Locked, so two admins deciding at once see each other's decision.
    const rows = await tx.$queryRaw<
      { status: ClientStatus; name: string | null }[]
    >`SELECT status::text AS status, name FROM "OAuthClient" WHERE "clientId" = ${clientId} FOR UPDATE`;
    const client = rows[0];
    if (!client) throw new ConsoleError("not_found", "There is no such MCP client.");
    if (!(rule.from as readonly ClientStatus[]).includes(client.status)) throw new ConsoleError("conflict", rule.refusal);
    await tx.oAuthClient.update({ where: { clientId }, data: { status: rule.to } });
    const revokedGrants = decision === "block" ? await revokeGrants(tx, { clientId }) : 0;
    await recordActivity(tx, actor, {
      action: `oauth_client.${decision}`,
      entityType: "oauth_client",
      entityId: clientId,
      entityName: client.name ?? clientId,
      before: { status: client.status },
      after: { status: rule.to, ...(decision === "block" ? { revokedGrants } : {}) },
    });
    return { status: rule.to, revokedGrants };
  });
}
