// What the audit explorer, its export, its suggestions and its Verify action
// read: the raw events (lib/analytics/audit-query.ts) and the hash chains
// (lib/audit-chain/) over the console's database.
import {
  ALL_EVENTS,
  auditBatches,
  auditPage,
  auditSuggestions,
  auditTimeWindow,
  parseAuditFilter,
  type AuditFilter,
  type AuditScope,
  type SuggestionField,
} from "../analytics/audit-query";
import { latestChainStates, verifyTimeRange } from "../audit-chain/chain-state";
import { verifiedCounts } from "../audit-chain/verify-args";
import type { CurrentUser } from "../auth/session";
import { db, pool } from "../db/client";
import { ConsoleError } from "./errors";

/** For the API: the filter in a query string, or a 400 naming every field whose value is refused. */
export function auditFilterOrThrow(params: URLSearchParams): AuditFilter {
  const { filter, errors } = parseAuditFilter(params);
  if (Object.keys(errors).length > 0) throw new ConsoleError("invalid", "Some filters need attention.", errors);
  return filter;
}

/** Admins and viewers read every event; a developer only the events of consumers they own, since each took its name. */
export async function auditScopeFor(user: Pick<CurrentUser, "id" | "role">): Promise<AuditScope> {
  if (user.role !== "developer") return ALL_EVENTS;
  const owned = await db().consumer.findMany({ where: { ownerUserId: user.id }, select: { username: true, namedAt: true } });
  return { consumers: owned.map((c) => ({ name: c.username, since: c.namedAt })) };
}

export function auditEventsPage(filter: AuditFilter, scope: AuditScope) {
  return auditPage(db(), filter, scope);
}

/** The filtered events in batches, for a streamed export. */
export function auditExportBatches(filter: AuditFilter, scope: AuditScope) {
  return auditBatches(db(), filter, scope);
}

/** Tool or consumer names for the filter inputs, from the filter's time window, within the caller's scope. */
export function auditFilterSuggestions(field: SuggestionField, q: string, filter: AuditFilter, scope: AuditScope) {
  return auditSuggestions(db(), field, q, auditTimeWindow(filter), scope);
}

/** Each data plane's hash chain since its latest checkpoint, for the explorer's header. */
export function auditChainStates() {
  return latestChainStates(pool());
}

export type AuditVerification =
  | { intact: true; events: number; chains: number; from: string; to: string }
  | { intact: false; eventId: string; dataPlane: string; seq: number; reason: string; from: string; to: string };

/**
 * Verifies every chain over the filter's time window (all time up to now when
 * it has none) with the verifier `npm run audit:verify` uses. Only the window
 * counts: a chain links all of a data plane's events, whatever the other filters.
 */
export async function verifyAuditWindow(filter: AuditFilter, now = new Date()): Promise<AuditVerification> {
  const window = auditTimeWindow(filter, now);
  const range = { from: window.from ?? new Date(0), to: window.to ?? now };
  const verdicts = await verifyTimeRange(pool(), range);
  const shown = { from: range.from.toISOString(), to: range.to.toISOString() };
  for (const { name, verdict } of verdicts) {
    if (!verdict.ok) return { intact: false, eventId: verdict.broken.eventId, dataPlane: name, seq: verdict.broken.seq, reason: verdict.broken.reason, ...shown };
  }
  return { intact: true, ...verifiedCounts(verdicts), ...shown };
}
