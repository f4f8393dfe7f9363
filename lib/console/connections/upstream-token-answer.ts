// POST /api/dp/v1/upstream-tokens: a gateway asks for one user's own upstream
// credential (lib/core/controlplane/protocol.ts). The console refreshes an
// OAuth token that expires within a minute, or that the upstream just refused
// (`rejected`), and marks the connection broken when the upstream refuses the
// grant itself — the user must connect again, and the answer links them there.
// The connection's row is locked while it is refreshed, so two gateways asking
// at once do not spend a rotating refresh token twice.
import { createHash } from "node:crypto";
import type { UpstreamTokenAnswer, UpstreamTokenRequest } from "../../core/controlplane/protocol";
import { db } from "../../db/client";
import type { Prisma, UpstreamConnection } from "../../generated/prisma/client";
import { connectPath, headerValue, perUserOf, readUpstreamAccount, type UpstreamAccount } from "./account";
import { clientSecretOf } from "./connect-flow";
import { openToken, sealToken } from "./sealed-tokens";
import { GrantRefused, refreshTokens, UpstreamUnavailable } from "./upstream-oauth";

type Tx = Prisma.TransactionClient;

/** Refresh this long before the expiry, so a gateway never forwards a token about to lapse. */
export const REFRESH_MARGIN_MS = 60_000;
/** Last use is written at most this often per connection: every call asks only when its cache misses, but still. */
const LAST_USE_RESOLUTION_MS = 60_000;
// A refresh holds the row lock while the upstream answers (its own timeout is 10 s).
const REFRESH_TRANSACTION = { timeout: 20_000, maxWait: 10_000 };

export type UpstreamTokenReply = { status: 200; body: UpstreamTokenAnswer } | { status: 404 | 503; body: { error: { code: string; message: string } } };

const failure = (status: 404 | 503, code: string, message: string): UpstreamTokenReply => ({ status, body: { error: { code, message } } });

type Outcome = { token: string; expiresAt: Date | null } | { broken: string } | { unavailable: string };

async function markBroken(tx: Tx, connection: UpstreamConnection, reason: string): Promise<Outcome> {
  await tx.upstreamConnection.update({ where: { id: connection.id }, data: { status: "broken", brokenReason: reason } });
  return { broken: reason };
}

async function refreshed(tx: Tx, connection: UpstreamConnection, account: UpstreamAccount, rejected: boolean, now: Date): Promise<Outcome> {
  const current = openToken(connection.id, "access", connection.accessCiphertext);
  const dueAt = connection.expiresAt ? connection.expiresAt.getTime() - REFRESH_MARGIN_MS : Infinity;
  if (!rejected && now.getTime() < dueAt) return { token: current, expiresAt: connection.expiresAt };
  const refusal = rejected ? "the upstream refused your credential" : "your upstream access expired";
  if (account.kind !== "oauth") return markBroken(tx, connection, `${refusal}; enter a new one`);
  if (!connection.refreshCiphertext) return markBroken(tx, connection, `${refusal} and the upstream gave no refresh token`);
  try {
    const tokens = await refreshTokens(account, await clientSecretOf(account), openToken(connection.id, "refresh", connection.refreshCiphertext), now);
    await tx.upstreamConnection.update({
      where: { id: connection.id },
      data: {
        accessCiphertext: sealToken(connection.id, "access", tokens.accessToken),
        // RFC 6749 §6: without a new refresh token the old one stays valid.
        ...(tokens.refreshToken ? { refreshCiphertext: sealToken(connection.id, "refresh", tokens.refreshToken) } : {}),
        expiresAt: tokens.expiresAt ?? null,
        ...(tokens.scopes ? { scopes: tokens.scopes } : {}),
      },
    });
    return { token: tokens.accessToken, expiresAt: tokens.expiresAt ?? null };
  } catch (error) {
    if (error instanceof GrantRefused) return markBroken(tx, connection, `the upstream refused to renew your access (${error.reason})`);
    if (!(error instanceof UpstreamUnavailable)) throw error;
    // Still valid for a little while: better the current token than none.
    if (!rejected && connection.expiresAt && connection.expiresAt > now) return { token: current, expiresAt: connection.expiresAt };
    return { unavailable: error.message };
  }
}

/** A report of a refused value counts only while that value is still the stored one: else another gateway's report refreshed it. */
function stillRejected(request: UpstreamTokenRequest, connection: UpstreamConnection, scheme: string): boolean {
  if (request.rejected !== true) return false;
  if (request.rejected_sha256 === undefined) return true;
  const stored = headerValue(scheme, openToken(connection.id, "access", connection.accessCiphertext));
  return createHash("sha256").update(stored).digest("hex") === request.rejected_sha256;
}

export async function answerUpstreamToken(request: UpstreamTokenRequest, consoleUrl: string, now = new Date()): Promise<UpstreamTokenReply> {
  const server = await db().mcpServer.findUnique({ where: { name: request.server }, select: { id: true, name: true, authMode: true, authSettings: true, upstreamAccount: true } });
  const perUser = server?.authMode === "sign_in" ? perUserOf(server.authSettings) : undefined;
  if (!server || !perUser) return failure(404, "not_found", `There is no server "${request.server}" with per-user upstream credentials.`);
  // A disabled consumer's credentials are handed to no one, whatever a gateway still believes.
  const consumer = await db().consumer.findFirst({ where: { username: request.consumer, disabledAt: null }, select: { id: true } });
  if (!consumer) return failure(404, "not_found", `There is no enabled consumer "${request.consumer}".`);
  const account = readUpstreamAccount(server.upstreamAccount) ?? { kind: "static" as const };
  const connectUrl = `${consoleUrl.replace(/\/+$/, "")}${connectPath(server.name)}`;
  const outcome = await db().$transaction(async (tx): Promise<Outcome | undefined> => {
    await tx.$queryRaw`SELECT id FROM "UpstreamConnection" WHERE "consumerId" = ${consumer.id} AND "serverId" = ${server.id} FOR UPDATE`;
    const connection = await tx.upstreamConnection.findUnique({ where: { consumerId_serverId: { consumerId: consumer.id, serverId: server.id } } });
    if (!connection) return undefined;
    if (connection.status === "broken") return { broken: connection.brokenReason ?? "the connection is broken" };
    const outcome = await refreshed(tx, connection, account, stillRejected(request, connection, perUser.scheme), now);
    if ("token" in outcome && (!connection.lastUsedAt || now.getTime() - connection.lastUsedAt.getTime() >= LAST_USE_RESOLUTION_MS)) {
      await tx.upstreamConnection.update({ where: { id: connection.id }, data: { lastUsedAt: now } });
    }
    return outcome;
  }, REFRESH_TRANSACTION);
  if (!outcome) {
    return { status: 200, body: { status: "not_connected", connect_url: connectUrl, message: `Connect your ${server.name} account to use this server: ${connectUrl}` } };
  }
  if ("broken" in outcome) {
    return {
      status: 200,
      body: { status: "broken", connect_url: connectUrl, message: `Your ${server.name} connection stopped working (${outcome.broken}). Reconnect: ${connectUrl}` },
    };
  }
  if ("unavailable" in outcome) return failure(503, "upstream_unavailable", `Your ${server.name} access could not be renewed: ${outcome.unavailable}.`);
  return {
    status: 200,
    body: { status: "connected", header: perUser.header, value: headerValue(perUser.scheme, outcome.token), expires_at: outcome.expiresAt?.toISOString() ?? null },
  };
}
