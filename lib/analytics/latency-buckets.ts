// Latency histogram of the per-minute rollups: exponential buckets growing by
// 20 %, from 0.1 ms to ~60 s, so any percentile read back from a rollup is
// within one bucket (≤ 20 %) of the exact value, whatever the mix of minutes.
const FIRST_BOUND_MS = 0.1;
const GROWTH = 1.2;
export const BUCKET_COUNT = 75;

/** Upper bound (inclusive) of bucket i, in milliseconds; the last bucket is unbounded. */
export function bucketUpperBound(i: number): number {
  return i >= BUCKET_COUNT - 1 ? Number.POSITIVE_INFINITY : FIRST_BOUND_MS * GROWTH ** i;
}

export function bucketIndex(latencyMs: number): number {
  if (!(latencyMs > FIRST_BOUND_MS)) return 0;
  const i = Math.ceil(Math.log(latencyMs / FIRST_BOUND_MS) / Math.log(GROWTH) - 1e-9);
  return Math.min(i, BUCKET_COUNT - 1);
}

export function emptyBuckets(): number[] {
  return new Array<number>(BUCKET_COUNT).fill(0);
}

/** The q-quantile (0–1) of a histogram, interpolated geometrically inside its bucket. */
export function quantileFromBuckets(buckets: readonly number[], q: number): number | null {
  const total = buckets.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    const count = buckets[i] ?? 0;
    if (count === 0) continue;
    if (seen + count >= rank) {
      const upper = bucketUpperBound(i);
      const lower = i === 0 ? 0 : bucketUpperBound(i - 1);
      if (!Number.isFinite(upper)) return lower;
      if (lower === 0) return upper * ((rank - seen) / count);
      return lower * (upper / lower) ** ((rank - seen) / count);
    }
    seen += count;
  }
  return bucketUpperBound(buckets.length - 2);
}
