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
  /** False when the first event's predecessor is gone (pruned by retention), so the walk starts from its stored hash. */
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

async function anchorHash(client: pg.Pool, chainKey: string, firstSeq: number): Promise<string | null> {
  if (firstSeq === 1) return GENESIS_HASH;
  const before = await client.query<{ hash: string }>(`SELECT hash FROM "AuditEvent" WHERE "chainKey" = $1 AND "chainSeq" = $2`, [chainKey, firstSeq - 1]);
  return before.rows[0]?.hash ?? null;
}

/** Verifies positions `firstSeq`..`lastSeq` of one chain. */
export async function verifyChainSeqs(pool: pg.Pool, chainKey: string, firstSeq: number, lastSeq: number): Promise<ChainVerdict> {
  const anchor = await anchorHash(pool, chainKey, firstSeq);
  const range: ChainRange = { chainKey, firstSeq, lastSeq, events: 0, anchored: anchor !== null };
  const checkpoints = await pool.query<{ seq: number; hash: string }>(
    `SELECT seq::float8 AS seq, hash FROM "AuditChainCheckpoint" WHERE "chainKey" = $1 AND seq BETWEEN $2 AND $3`,
    [chainKey, firstSeq, lastSeq],
  );
  const checkpointAt = new Map(checkpoints.rows.map((c) => [c.seq, c.hash]));
  const broken = (row: { id: string; chainSeq: number }, reason: string): ChainVerdict => ({ ok: false, range, broken: { chainKey, eventId: row.id, seq: row.chainSeq, reason } });

  let previous = anchor;
  let expectedSeq = firstSeq;
  let last: LinkRow | undefined;
  for (;;) {
    const page = await pool.query<LinkRow>(SELECT_LINKS, [chainKey, expectedSeq - 1, lastSeq, PAGE]);
    for (const row of page.rows) {
      if (row.chainSeq !== expectedSeq) return broken(row, `position ${row.chainSeq} follows ${expectedSeq - 1}: ${row.chainSeq - expectedSeq} event(s) before it are missing`);
      // Unanchored: the first event's own hash is the starting point.
      if (previous !== null && linkHash(previous, contentOf(row)) !== row.hash) return broken(row, "its hash does not match its content and the previous hash");
      const checkpoint = checkpointAt.get(row.chainSeq);
      if (checkpoint !== undefined && checkpoint !== row.hash) return broken(row, "its hash differs from the checkpoint recorded at its position");
      previous = row.hash;
      expectedSeq += 1;
      range.events += 1;
      last = row;
    }
    if (page.rows.length < PAGE) break;
  }
  if (last === undefined) return { ok: true, range };
  if (last.chainSeq < lastSeq) {
    return { ok: false, range, broken: { chainKey, eventId: last.id, seq: last.chainSeq, reason: `the chain reaches position ${lastSeq} but no event after this one is stored` } };
  }
  const head = await pool.query<{ seq: number; hash: string }>(`SELECT seq::float8 AS seq, hash FROM "AuditChainHead" WHERE "chainKey" = $1`, [chainKey]);
  const headRow = head.rows[0];
  if (headRow && headRow.seq === last.chainSeq && headRow.hash !== last.hash) return broken(last, "its hash differs from the chain head's");
  return { ok: true, range };
}
