// What the CLI and the audit explorer ask of the chains: is a time range
// intact, and is each chain intact since its latest checkpoint.
import type pg from "pg";
import { verifyChainSeqs, type ChainVerdict } from "./verify-chain";

export interface NamedVerdict {
  /** The data plane's name, or the chain key when the plane is gone or there was none. */
  name: string;
  verdict: ChainVerdict;
}

interface ChainRow {
  chainKey: string;
  name: string | null;
  seq: number;
}

async function chains(pool: pg.Pool, dataPlaneName?: string): Promise<ChainRow[]> {
  const rows = await pool.query<ChainRow>(
    `SELECT h."chainKey", p.name, h.seq::float8 AS seq
       FROM "AuditChainHead" h LEFT JOIN "DataPlane" p ON p.id = h."chainKey"
      WHERE $1::text IS NULL OR p.name = $1
      ORDER BY coalesce(p.name, h."chainKey")`,
    [dataPlaneName ?? null],
  );
  return rows.rows;
}

/** For a range without events of the chain: the first position after it, or one past the newest stored event when nothing comes after. */
async function emptyRangeEdge(pool: pg.Pool, chainKey: string, to: Date): Promise<number | null> {
  const rows = await pool.query<{ after: number | null; newest: number | null }>(
    `SELECT (SELECT min("chainSeq") FROM "AuditEvent" WHERE "chainKey" = $1 AND time >= $2)::float8 AS after,
            (SELECT max("chainSeq") FROM "AuditEvent" WHERE "chainKey" = $1)::float8 AS newest`,
    [chainKey, to],
  );
  const { after, newest } = rows.rows[0]!;
  return after ?? (newest === null ? null : newest + 1);
}

/**
 * Verifies, per chain, every position from the first to the last event stored
 * in [from, to): events are chained in arrival order, so a time range is a
 * stretch of positions, with later-arriving older events inside it. The
 * stretch's edges are checked too: its first event must follow the nearest
 * stored one before it, and the first stored one after it must follow its last
 * (or the chain head must be its last), so events deleted at either end show.
 * A chain with no event in the range has its edge there checked: the first
 * event after the range must follow the nearest stored one before it, or, when
 * nothing comes after, the newest stored event must be the head.
 */
export async function verifyTimeRange(pool: pg.Pool, range: { from: Date; to: Date; dataPlaneName?: string }): Promise<NamedVerdict[]> {
  const verdicts: NamedVerdict[] = [];
  for (const chain of await chains(pool, range.dataPlaneName)) {
    const span = await pool.query<{ first: number | null; last: number | null }>(
      `SELECT min("chainSeq")::float8 AS first, max("chainSeq")::float8 AS last FROM "AuditEvent" WHERE "chainKey" = $1 AND time >= $2 AND time < $3`,
      [chain.chainKey, range.from, range.to],
    );
    let { first, last } = span.rows[0]!;
    if (first === null || last === null) {
      const edge = await emptyRangeEdge(pool, chain.chainKey, range.to);
      // Nothing of the chain is stored at all (retention pruned all of it, or it never had an event).
      if (edge === null) continue;
      [first, last] = [edge, edge - 1];
    }
    verdicts.push({ name: chain.name ?? chain.chainKey, verdict: await verifyChainSeqs(pool, chain.chainKey, first, last) });
  }
  return verdicts;
}

/** Each chain from its latest checkpoint to its head: a bounded check (at most CHECKPOINT_EVERY events a chain) for the explorer. */
export async function latestChainStates(pool: pg.Pool): Promise<NamedVerdict[]> {
  const verdicts: NamedVerdict[] = [];
  for (const chain of await chains(pool)) {
    if (chain.seq === 0) continue;
    const checkpoint = await pool.query<{ seq: number | null }>(`SELECT max(seq)::float8 AS seq FROM "AuditChainCheckpoint" WHERE "chainKey" = $1`, [chain.chainKey]);
    const from = checkpoint.rows[0]?.seq ?? 1;
    verdicts.push({ name: chain.name ?? chain.chainKey, verdict: await verifyChainSeqs(pool, chain.chainKey, from, chain.seq) });
  }
  return verdicts;
}
