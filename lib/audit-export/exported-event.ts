// What a sink receives: the audit event as the gateway sent it, with the time
// the chain hashed and its place in the chain (lib/audit-chain/chain.ts), so a
// SIEM can keep the hashes beside the event and `npm run audit:verify` can be
// matched against what was exported.
import type { ChainedEvent } from "../audit-chain/chain";
import type { AuditEvent } from "../core/audit/event";

export type ExportedEvent = AuditEvent & { chainKey: string; chainSeq: number; hash: string };

export function exportedEvents(chainKey: string, chained: readonly ChainedEvent[]): ExportedEvent[] {
  return chained.map(({ event, time, seq, hash }) => ({ ...event, time, chainKey, chainSeq: seq, hash }));
}
