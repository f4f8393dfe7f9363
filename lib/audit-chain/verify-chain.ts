// Walks stored audit events in chain order and recomputes each link, then
// compares the chain's checkpoints and head with what it found. The first
// mismatch is reported with the event id, so an operator can look at it.
import type pg from "pg";
import { GENESIS_HASH, linkHash, type ChainedContent } from "./chain";

export interface ChainBreak {
  chainKey: string;
  eventId: string;
  seq: number;
  reason: string;
}

export interface ChainRange {
  chainKey: string;
  firstSeq: number;
  lastSeq: number;
  events: number;
  /**
   * False when the events before the first one were pruned by retention: the walk starts from the
   * hash pruning recorded, or, for a chain pruned before that was recorded, from the first stored
   * event's own hash.
   */
  anchored: boolean;
}

export type ChainVerdict = { ok: true; range: ChainRange } | { ok: false; range: ChainRange; broken: ChainBreak };

// The row as the verifier reads it: the hashed fields, with time, position and byte counts (bigint
// columns, which pg returns as strings) in the forms the hash used: numbers, all below 2^53.
const SELECT_LINKS = `
  SELECT id, to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS time, "requestId", "chainKey", "chainSeq"::float8 AS "chainSeq",
         "serverName", "consumerName", groups, "endUser", "upstreamIdentity", method, "toolName", decision::text AS decision, reason,
         "httpStatus", "rpcErrorCode", "upstreamLatencyMs", "totalLatencyMs",
         "bytesIn"::float8 AS "bytesIn", "bytesOut"::float8 AS "bytesOut", "tokenHash", hash
    FROM "AuditEvent"
   WHERE "chainKey" = $1 AND "chainSeq" > $2 AND "chainSeq" <= $3
   ORDER BY "chainSeq"
   LIMIT $4`;

const PAGE = 5000;

type LinkRow = ChainedContent & { hash: string };

function contentOf(row: LinkRow): ChainedContent {
  const { hash: _hash, ...content } = row;
  return content;
}

interface Start {
  /** The hash the walk's first event must link to; null when nothing is known of its predecessor. */
  previous: string | null;
  /** The position that must come next: a gap before the first stored event shows as one at that event. */
  expectedSeq: number;
  anchored: boolean;
  /** The stored event the walk continues from, if any. */
  after?: { id: string; chainSeq: number; hash: string };
}

/**
 * Where a walk from `firstSeq` starts: after the nearest stored event before it
 * (not only its direct predecessor, so a deleted first event shows); else after
 * the position retention pruning recorded; else at the genesis. Only when none
 * of these is known (events pruned before pruning was recorded) does the walk
 * take the first stored event's own hash as given.
 */
async function startOf(pool: pg.Pool, chainKey: string, firstSeq: number): Promise<Start> {
  const before = await pool.query<{ id: string; chainSeq: number; hash: string }>(
    `SELECT id, "chainSeq"::float8 AS "chainSeq", hash FROM "AuditEvent" WHERE "chainKey" = $1 AND "chainSeq" < $2 ORDER BY "chainSeq" DESC LIMIT 1`,
    [chainKey, firstSeq],
  );
  const stored = before.rows[0];
  if (stored) return { previous: stored.hash, expectedSeq: stored.chainSeq + 1, anchored: true, after: stored };
  const pruned = await pool.query<{ seq: number; hash: string }>(`SELECT seq::float8 AS seq, hash FROM "AuditChainPruned" WHERE "chainKey" = $1`, [chainKey]);
  const mark = pruned.rows[0];
  if (mark) return { previous: mark.hash, expectedSeq: mark.seq + 1, anchored: false };
  if (firstSeq === 1) return { previous: GENESIS_HASH, expectedSeq: 1, anchored: true };
  return { previous: null, expectedSeq: firstSeq, anchored: false };
}

const NO_END = Number.MAX_SAFE_INTEGER;

/**
 * Verifies positions `firstSeq`..`lastSeq` of one chain, and the edges: the
 * first event's link to the nearest stored event before it, and the first
 * stored event after `lastSeq` (or the chain head when there is none). With
 * `lastSeq` below `firstSeq` only the edge is checked: the nearest stored
 * event before `firstSeq` must link to the first one from it on.
 */
export async function verifyChainSeqs(pool: pg.Pool, chainKey: string, firstSeq: number, lastSeq: number): Promise<ChainVerdict> {
  const start = await startOf(pool, chainKey, firstSeq);
  // A start moved past `firstSeq` means pruning took the positions in between.
  const range: ChainRange = { chainKey, firstSeq: Math.max(firstSeq, start.expectedSeq), lastSeq, events: 0, anchored: start.anchored };
  const checkpoints = await pool.query<{ seq: number; hash: string }>(
    `SELECT seq::float8 AS seq, hash FROM "AuditChainCheckpoint" WHERE "chainKey" = $1 AND seq BETWEEN $2 AND $3`,
    [chainKey, start.expectedSeq, lastSeq + 1],
  );
  const checkpointAt = new Map(checkpoints.rows.map((c) => [c.seq, c.hash]));
  const broken = (row: { id: string; chainSeq: number }, reason: string): ChainVerdict => ({ ok: false, range, broken: { chainKey, eventId: row.id, seq: row.chainSeq, reason } });
  /** The reason `row` does not continue the chain after `expectedSeq - 1` and `previous`, if it does not. */
  const linkFault = (row: LinkRow, previous: string | null, expectedSeq: number): string | undefined => {
    if (row.chainSeq !== expectedSeq) return `position ${row.chainSeq} follows ${expectedSeq - 1}: ${row.chainSeq - expectedSeq} event(s) before it are missing`;
    // Unanchored: the first event's own hash is the starting point.
    if (previous !== null && linkHash(previous, contentOf(row)) !== row.hash) return "its hash does not match its content and the previous hash";
    const checkpoint = checkpointAt.get(row.chainSeq);
    if (checkpoint !== undefined && checkpoint !== row.hash) return "its hash differs from the checkpoint recorded at its position";
    return undefined;
  };

  let { previous, expectedSeq } = start;
  let last: { id: string; chainSeq: number; hash: string } | undefined = start.after;
  for (;;) {
    const page = await pool.query<LinkRow>(SELECT_LINKS, [chainKey, expectedSeq - 1, lastSeq, PAGE]);
    for (const row of page.rows) {
      const fault = linkFault(row, previous, expectedSeq);
      if (fault) return broken(row, fault);
      previous = row.hash;
      expectedSeq += 1;
      range.events += 1;
      last = row;
    }
    if (page.rows.length < PAGE) break;
  }
  // The walk runs on into the next stored event, wherever the range ends (also when the range is empty).
  const next = (await pool.query<LinkRow>(SELECT_LINKS, [chainKey, expectedSeq - 1, NO_END, 1])).rows[0];
  if (next) {
    const fault = linkFault(next, previous, expectedSeq);
    return fault ? broken(next, fault) : { ok: true, range };
  }
  // Nothing stored before, in or after the range (all of it pruned): no event to name.
  if (last === undefined) return { ok: true, range };
  const head = await pool.query<{ seq: number; hash: string }>(`SELECT seq::float8 AS seq, hash FROM "AuditChainHead" WHERE "chainKey" = $1`, [chainKey]);
  const headRow = head.rows[0];
  if (headRow && headRow.seq > last.chainSeq) return broken(last, `the chain's head is at position ${headRow.seq} but no event after this one is stored`);
  if (headRow && headRow.seq === last.chainSeq && headRow.hash !== last.hash) return broken(last, "its hash differs from the chain head's");
  return { ok: true, range };
}
