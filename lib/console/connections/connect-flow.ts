// Connecting a user's own upstream account to a per_user server:
// /connections/<server>/connect starts it (an OAuth authorization at the
// upstream, or the form for a pasted secret), /api/connections/callback
// finishes it — the code exchanged with the application's secret from the
// vault, the tokens sealed — and the browser goes back to Connected accounts,
// or on into the sign-in with Portcullis that sent it here.
import { randomUUID } from "node:crypto";
import type { CurrentUser } from "../../auth/session";
import { db } from "../../db/client";
import type { Prisma } from "../../generated/prisma/client";
import { recordActivity } from "../activity";
import { ConsoleError, type ConsoleErrorCode } from "../errors";
import { resolveSyncHeaders } from "../sync-credential";
import { consoleMasterKey } from "../vault/master-key";
import { consumerNameFor } from "../../oauth-server/consumer-name";
import { nextSignInStep } from "../../oauth-server/sign-in-connections";
import { perUserOf, readUpstreamAccount, type OAuthAccount, type UpstreamAccount } from "./account";
import { ConnectFailed, type ConnectFailure } from "./connect-failure";
import { CONNECT_STATE_TTL_MS, openConnectState, sealConnectState } from "./connect-state";
import { sealToken } from "./sealed-tokens";
import { consolePublicUrl } from "../public-url";
import { authorizationUrl, exchangeCode, GrantRefused, pkcePair, UpstreamUnavailable, type UpstreamTokens } from "./upstream-oauth";

type Tx = Prisma.TransactionClient;

export const CALLBACK_PATH = "/api/connections/callback";
export const CONNECTED_ACCOUNTS_PATH = "/connections";

export interface PerUserServer {
  id: string;
  name: string;
  account: UpstreamAccount;
}

/** A sign_in server with per-user credentials, by name; a server without them has nothing to connect. */
export async function findPerUserServer(name: string, client: Pick<Tx, "mcpServer"> = db()): Promise<PerUserServer> {
  const row = await client.mcpServer.findUnique({ where: { name }, select: { id: true, name: true, authMode: true, authSettings: true, upstreamAccount: true } });
  if (!row || row.authMode !== "sign_in" || !perUserOf(row.authSettings))
    throw new ConsoleError("not_found", `There is no MCP server "${name}" that takes each user's own credential.`);
  return { id: row.id, name: row.name, account: readUpstreamAccount(row.upstreamAccount) ?? { kind: "static" } };
}

/** The consumer a console user signs in to MCP clients as (lib/oauth-server/sign-in.ts): their email's consumer, theirs or unowned. */
export async function signedInConsumer(user: CurrentUser, client: Pick<Tx, "consumer"> = db()): Promise<{ id: string; username: string }> {
  const username = consumerNameFor(user.email);
  const consumer = username ? await client.consumer.findUnique({ where: { username }, select: { id: true, username: true, ownerUserId: true, disabledAt: true } }) : null;
  if (!consumer || consumer.disabledAt || (consumer.ownerUserId && consumer.ownerUserId !== user.id)) {
    throw new ConsoleError("forbidden", "Sign in from your MCP client first: connecting an account needs the consumer that sign-in makes for you.");
  }
  return { id: consumer.id, username: consumer.username };
}

export async function clientSecretOf(account: OAuthAccount): Promise<string> {
  const resolved = await resolveSyncHeaders(db(), { "client secret": account.client_secret });
  return resolved["client secret"]!;
}

/** A ConsoleError of `code` from `step` is the connect flow's `failure`; any other error stays what it is. */
async function failingAs<T>(failure: ConnectFailure, code: ConsoleErrorCode, step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    throw error instanceof ConsoleError && error.code === code ? new ConnectFailed(failure) : error;
  }
}

/** Where the browser goes to connect: the upstream's authorization page, or undefined for the pasted-secret form; else a ConnectFailed. */
export async function startConnect(user: CurrentUser, serverName: string, options: { origin: string; interaction?: string }): Promise<string | undefined> {
  const server = await failingAs("no_such_server", "not_found", findPerUserServer(serverName));
  await failingAs("no_consumer", "forbidden", signedInConsumer(user));
  if (server.account.kind !== "oauth") return undefined;
  const { verifier, challenge } = pkcePair();
  const state = sealConnectState(consoleMasterKey(), { user: user.id, server: server.name, verifier, interaction: options.interaction });
  return authorizationUrl(server.account, { redirectUri: `${consolePublicUrl(options.origin)}${CALLBACK_PATH}`, state, challenge });
}

/** Stores (or replaces) the user's connection; the tokens are sealed before they reach the database. */
async function saveConnection(tx: Tx, user: CurrentUser, server: PerUserServer, consumer: { id: string; username: string }, tokens: UpstreamTokens) {
  const existing = await tx.upstreamConnection.findUnique({ where: { consumerId_serverId: { consumerId: consumer.id, serverId: server.id } }, select: { id: true } });
  const id = existing?.id ?? randomUUID();
  const requested = server.account.kind === "oauth" ? server.account.scopes : [];
  const data = {
    accessCiphertext: sealToken(id, "access", tokens.accessToken),
    refreshCiphertext: tokens.refreshToken ? sealToken(id, "refresh", tokens.refreshToken) : null,
    expiresAt: tokens.expiresAt ?? null,
    scopes: tokens.scopes ?? requested,
    status: "connected" as const,
    brokenReason: null,
    // A refresh still running on the tokens replaced must not store its answer over these.
    refreshClaimId: null,
    refreshClaimedUntil: null,
    connectedAt: new Date(),
  };
  await tx.upstreamConnection.upsert({ where: { id }, create: { id, consumerId: consumer.id, serverId: server.id, ...data }, update: data });
  await recordActivity(tx, user, {
    action: existing ? "connection.reconnect" : "connection.connect",
    entityType: "connection",
    entityId: id,
    entityName: `${consumer.username} → ${server.name}`,
    after: { server: server.name, consumer: consumer.username, kind: server.account.kind, scopes: data.scopes, expiresAt: data.expiresAt },
  });
}

export async function saveStaticSecret(user: CurrentUser, serverName: string, secret: string): Promise<void> {
  const server = await findPerUserServer(serverName);
  if (server.account.kind !== "static") throw new ConsoleError("invalid", `${server.name} connects through the upstream's sign-in, not a pasted secret.`);
  await db().$transaction(async (tx) => saveConnection(tx, user, server, await signedInConsumer(user, tx), { accessToken: secret }));
}

export interface CallbackQuery {
  state?: string;
  code?: string;
  /** RFC 6749 §4.1.2.1; its `error_description` is the upstream's free text and is not read. */
  error?: string;
}

/**
 * Finishes the upstream's authorization; returns where the browser goes next, or throws a ConnectFailed that
 * Connected accounts words (connect-failure.ts). What the upstream said in its own words is logged, never shown.
 */
export async function finishConnect(user: CurrentUser, query: CallbackQuery, origin: string): Promise<string> {
  if (!query.state) throw new ConnectFailed("no_state");
  const state = openConnectState(consoleMasterKey(), query.state, user.id);
  if ("refused" in state) throw new ConnectFailed(state.refused);
  const server = await failingAs("not_connectable", "not_found", findPerUserServer(state.server));
  if (server.account.kind !== "oauth") throw new ConnectFailed("not_connectable");
  if (query.error || !query.code) {
    // Declining the upstream does not undo the sign-in: the gateway asks again, with a link, when the server is called.
    if (state.interaction) return failingAs("sign_in_expired", "not_found", nextSignInStep(user, state.interaction, { declined: true }));
    throw new ConnectFailed("upstream_refused", query.error);
  }
  const done = state.interaction
    ? () => failingAs("sign_in_expired", "not_found", nextSignInStep(user, state.interaction!))
    : () => `${CONNECTED_ACCOUNTS_PATH}?connected=${encodeURIComponent(server.name)}`;
  // The same callback again (back, reload, a prefetch): the code was spent by this state's first visit, and
  // presenting it twice lets the upstream revoke what it issued (RFC 6749 §4.1.2), so it is not exchanged again.
  if (await failingAs("no_consumer", "forbidden", connectedSince(user, server, state.expires - CONNECT_STATE_TTL_MS))) return done();
  let tokens: UpstreamTokens;
  try {
    tokens = await exchangeCode(server.account, await clientSecretOf(server.account), {
      code: query.code,
      verifier: state.verifier,
      redirectUri: `${consolePublicUrl(origin)}${CALLBACK_PATH}`,
    });
  } catch (error) {
    if (!(error instanceof GrantRefused || error instanceof UpstreamUnavailable)) throw error;
    console.error(`connections: exchanging a code for ${server.name} failed: ${error.message}`);
    throw new ConnectFailed(error instanceof GrantRefused ? "code_refused" : "upstream_unavailable");
  }
  await failingAs(
    "no_consumer",
    "forbidden",
    db().$transaction(async (tx) => saveConnection(tx, user, server, await signedInConsumer(user, tx), tokens)),
  );
  return done();
}

/** Whether the user's connection to the server was (re)made at or after `since` and still works. */
async function connectedSince(user: CurrentUser, server: PerUserServer, since: number): Promise<boolean> {
  const consumer = await signedInConsumer(user);
  const connection = await db().upstreamConnection.findUnique({
    where: { consumerId_serverId: { consumerId: consumer.id, serverId: server.id } },
    select: { status: true, connectedAt: true },
  });
  return connection?.status === "connected" && connection.connectedAt.getTime() >= since;
}
