// POST /api/dp/v1/upstream-tokens: a gateway asks for one user's own upstream
// credential (lib/core/controlplane/protocol.ts). The console refreshes an
// OAuth token that expires within a minute, or that the upstream just refused
// (`rejected`), and marks the connection broken when the upstream refuses the
// grant itself — the user must connect again, and the answer links them there.
//
// A refresh is claimed, not held under a lock: a short transaction locks the
// row, decides and, when a refresh is due, writes a claim (refreshClaimId,
// refreshClaimedUntil) and commits. The upstream is asked outside any
// transaction, so no database connection waits on the network, and a second
// short write stores its answer only while the claim is still this request's.
// Another request meanwhile answers the current token while it is valid, or
// waits for the claim to clear and answers what the claimant stored, so two
// gateways asking at once spend a rotating refresh token once. A claim outlasts
// the upstream's own timeout: it lapses only when its claimant died, and the
// next request then takes it over.
import { createHash, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { UpstreamTokenAnswer, UpstreamTokenRequest } from "../../core/controlplane/protocol";
import { db } from "../../db/client";
import type { Prisma, UpstreamConnection } from "../../generated/prisma/client";
import { connectPath, headerValue, perUserOf, readUpstreamAccount, type OAuthAccount } from "./account";
import { clientSecretOf } from "./connect-flow";
import { openToken, sealToken } from "./sealed-tokens";
import { GrantRefused, refreshTokens, UPSTREAM_TIMEOUT_MS, UpstreamUnavailable, type UpstreamTokens } from "./upstream-oauth";

type Tx = Prisma.TransactionClient;

/** Refresh this long before the expiry, so a gateway never forwards a token about to lapse. */
export const REFRESH_MARGIN_MS = 60_000;
/** Last use is written at most this often per connection: every call asks only when its cache misses, but still. */
const LAST_USE_RESOLUTION_MS = 60_000;
/** A claim lasts past the upstream's timeout (and the client secret's lookup before it), so a live claimant keeps it. */
export const REFRESH_CLAIM_MS = UPSTREAM_TIMEOUT_MS + 5_000;
/** How long a request waits for another request's refresh before answering 503. */
const CLAIM_WAIT_MS = 12_000;
const CLAIM_POLL_MS = 100;
// Lock, read and decide: no network inside. The wait covers a cold pool on a busy machine.
const DECISION_TRANSACTION = { timeout: 5_000, maxWait: 10_000 };

export type UpstreamTokenReply = { status: 200; body: UpstreamTokenAnswer } | { status: 404 | 503; body: { error: { code: string; message: string } } };

const failure = (status: 404 | 503, code: string, message: string): UpstreamTokenReply => ({ status, body: { error: { code, message } } });

type Outcome = { token: string; expiresAt: Date | null } | { broken: string } | { unavailable: string };

/** A refresh this request claimed: the connection as it was read under the lock, and the application read with it. */
interface Claim {
  id: string;
  connection: UpstreamConnection;
  account: OAuthAccount;
  rejected: boolean;
}

/** What the locked read decided: an answer, a refresh to run, or another request's refresh to wait for; undefined when not connected. */
type Decision = Outcome | { claimed: Claim } | { wait: true } | undefined;

const NO_CLAIM = { refreshClaimId: null, refreshClaimedUntil: null };

async function markBroken(tx: Tx, connection: UpstreamConnection, reason: string): Promise<Outcome> {
  await tx.upstreamConnection.update({ where: { id: connection.id }, data: { status: "broken", brokenReason: reason, ...NO_CLAIM } });
  return { broken: reason };
}

/** The stored token, answered; its last use written at most once per LAST_USE_RESOLUTION_MS. */
async function answerStored(tx: Tx, connection: UpstreamConnection, now: Date): Promise<Outcome> {
  if (!connection.lastUsedAt || now.getTime() - connection.lastUsedAt.getTime() >= LAST_USE_RESOLUTION_MS) {
    await tx.upstreamConnection.update({ where: { id: connection.id }, data: { lastUsedAt: now } });
  }
  return { token: openToken(connection.id, "access", connection.accessCiphertext), expiresAt: connection.expiresAt };
}

/** A report of a refused value counts only while that value is still the stored one: else another gateway's report refreshed it. */
function stillRejected(request: UpstreamTokenRequest, connection: UpstreamConnection, scheme: string): boolean {
  if (request.rejected !== true) return false;
  if (request.rejected_sha256 === undefined) return true;
  const stored = headerValue(scheme, openToken(connection.id, "access", connection.accessCiphertext));
  return createHash("sha256").update(stored).digest("hex") === request.rejected_sha256;
}

interface Asked {
  request: UpstreamTokenRequest;
  consumerId: string;
  serverId: string;
  scheme: string;
}

/**
 * Under the row's lock, briefly. `afterWait`: this request waited for a claim that has since cleared — its
 * claimant asked the upstream already, so what it stored (or did not) is the answer, not a second try.
 */
function decide(asked: Asked, now: Date, afterWait: boolean): Promise<Decision> {
  return db().$transaction(async (tx): Promise<Decision> => {
    await tx.$queryRaw`SELECT id FROM "UpstreamConnection" WHERE "consumerId" = ${asked.consumerId} AND "serverId" = ${asked.serverId} FOR UPDATE`;
    const connection = await tx.upstreamConnection.findUnique({ where: { consumerId_serverId: { consumerId: asked.consumerId, serverId: asked.serverId } } });
    if (!connection) return undefined;
    if (connection.status === "broken") return { broken: connection.brokenReason ?? "the connection is broken" };
    const rejected = stillRejected(asked.request, connection, asked.scheme);
    const dueAt = connection.expiresAt ? connection.expiresAt.getTime() - REFRESH_MARGIN_MS : Infinity;
    if (!rejected && now.getTime() < dueAt) return answerStored(tx, connection, now);
    // Due but not yet expired: better the current token than a wait.
    const stillValid = !rejected && connection.expiresAt !== null && connection.expiresAt > now;
    if (connection.refreshClaimedUntil && connection.refreshClaimedUntil > now) return stillValid ? answerStored(tx, connection, now) : { wait: true };
    if (afterWait && connection.refreshClaimId === null) {
      return stillValid ? answerStored(tx, connection, now) : { unavailable: "another request's renewal of it did not succeed" };
    }
    // Read under the lock: an application changed since breaks the row first (manage.ts), so this is the one that issued its tokens.
    const server = await tx.mcpServer.findUnique({ where: { id: asked.serverId }, select: { upstreamAccount: true } });
    const account = readUpstreamAccount(server?.upstreamAccount) ?? { kind: "static" as const };
    const refusal = rejected ? "the upstream refused your credential" : "your upstream access expired";
    if (account.kind !== "oauth") return markBroken(tx, connection, `${refusal}; enter a new one`);
    if (!connection.refreshCiphertext) return markBroken(tx, connection, `${refusal} and the upstream gave no refresh token`);
    const id = randomUUID();
    await tx.upstreamConnection.update({ where: { id: connection.id }, data: { refreshClaimId: id, refreshClaimedUntil: new Date(now.getTime() + REFRESH_CLAIM_MS) } });
    return { claimed: { id, connection, account, rejected } };
  }, DECISION_TRANSACTION);
}

/** Writes `data` and clears the claim, only while the claim is still `claim`'s: false when it was taken over, broken or removed meanwhile. */
async function settleClaim(claim: Claim, data: Prisma.UpstreamConnectionUpdateManyMutationInput): Promise<boolean> {
  const { count } = await db().upstreamConnection.updateMany({ where: { id: claim.connection.id, refreshClaimId: claim.id }, data: { ...data, ...NO_CLAIM } });
  return count === 1;
}

function storedTokens(connectionId: string, tokens: UpstreamTokens, now: Date): Prisma.UpstreamConnectionUpdateManyMutationInput {
  return {
    accessCiphertext: sealToken(connectionId, "access", tokens.accessToken),
    // RFC 6749 §6: without a new refresh token the old one stays valid.
    ...(tokens.refreshToken ? { refreshCiphertext: sealToken(connectionId, "refresh", tokens.refreshToken) } : {}),
    expiresAt: tokens.expiresAt ?? null,
    ...(tokens.scopes ? { scopes: tokens.scopes } : {}),
    lastUsedAt: now,
  };
}

/** Asks the upstream, outside any transaction, and settles the claim; "lost" when the claim is no longer ours. */
async function refreshClaimed(claim: Claim, now: Date): Promise<Outcome | "lost"> {
  const { connection, account } = claim;
  let tokens: UpstreamTokens;
  try {
    tokens = await refreshTokens(account, await clientSecretOf(account), openToken(connection.id, "refresh", connection.refreshCiphertext!), now);
  } catch (error) {
    if (error instanceof GrantRefused) {
      const reason = `the upstream refused to renew your access (${error.reason})`;
      return (await settleClaim(claim, { status: "broken", brokenReason: reason })) ? { broken: reason } : "lost";
    }
    await settleClaim(claim, {});
    if (!(error instanceof UpstreamUnavailable)) throw error;
    // Still valid for a little while: better the current token than none.
    if (!claim.rejected && connection.expiresAt && connection.expiresAt > now) {
      return { token: openToken(connection.id, "access", connection.accessCiphertext), expiresAt: connection.expiresAt };
    }
    return { unavailable: error.message };
  }
  return (await settleClaim(claim, storedTokens(connection.id, tokens, now))) ? { token: tokens.accessToken, expiresAt: tokens.expiresAt ?? null } : "lost";
}

/** Decides, refreshes what this request claimed, and waits (bounded) for another request's claim; undefined when not connected. */
async function outcomeFor(asked: Asked): Promise<Outcome | undefined> {
  const waitUntil = Date.now() + CLAIM_WAIT_MS;
  let afterWait = false;
  for (;;) {
    if (afterWait && Date.now() >= waitUntil) return { unavailable: "another request's renewal of it is still running" };
    const now = new Date();
    const decision = await decide(asked, now, afterWait);
    if (decision === undefined || !("claimed" in decision || "wait" in decision)) return decision;
    if ("claimed" in decision) {
      const outcome = await refreshClaimed(decision.claimed, now);
      if (outcome !== "lost") return outcome;
    } else {
      await sleep(CLAIM_POLL_MS);
    }
    // Waited, or the claim was lost: whatever cleared it (its claimant, a reconnect, another application) is read again.
    afterWait = true;
  }
}

export async function answerUpstreamToken(request: UpstreamTokenRequest, consoleUrl: string): Promise<UpstreamTokenReply> {
  const server = await db().mcpServer.findUnique({ where: { name: request.server }, select: { id: true, name: true, authMode: true, authSettings: true } });
  const perUser = server?.authMode === "sign_in" ? perUserOf(server.authSettings) : undefined;
  if (!server || !perUser) return failure(404, "not_found", `There is no server "${request.server}" with per-user upstream credentials.`);
  // A disabled consumer's credentials are handed to no one, whatever a gateway still believes.
  const consumer = await db().consumer.findFirst({ where: { username: request.consumer, disabledAt: null }, select: { id: true } });
  if (!consumer) return failure(404, "not_found", `There is no enabled consumer "${request.consumer}".`);
  const connectUrl = `${consoleUrl.replace(/\/+$/, "")}${connectPath(server.name)}`;
  const outcome = await outcomeFor({ request, consumerId: consumer.id, serverId: server.id, scheme: perUser.scheme });
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
