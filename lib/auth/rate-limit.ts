// Sign-in throttling, in the console process's memory: after too many failures
// for one key (an account, an address, an account from an address) within the
// window, further attempts are refused until the window passes. An attempt
// counts as a failure from the moment it starts (so a burst of parallel guesses
// cannot all slip in before the first is judged) and is taken back if it succeeds.
//
// Memory stays bounded however many keys a client makes up: keys are kept in
// the order of their latest failure, each call drops the keys at the front
// whose failures have all left the window, and beyond `maxKeys` the key with
// the oldest latest failure is dropped (forgetting its failures early).
export interface RateLimiter {
  /** Milliseconds to wait before another attempt is allowed, or 0. */
  retryAfter(key: string, now?: number): number;
  /** Records a failure at `now` and returns that time, to `forgive` it later. */
  fail(key: string, now?: number): number;
  /** Takes back one failure recorded at `time` (the attempt turned out to succeed). */
  forgive(key: string, time: number): void;
  reset(key: string): void;
  /** How many keys are held (for tests and monitoring). */
  size(): number;
}

export const DEFAULT_MAX_KEYS = 100_000;

export function createRateLimiter(limit: number, windowMs: number, maxKeys = DEFAULT_MAX_KEYS): RateLimiter {
  // Insertion order is the order of each key's latest failure (fail() re-inserts its key at the end).
  const failures = new Map<string, number[]>();
  const sweep = (now: number) => {
    for (const [key, times] of failures) {
      if (now - times[times.length - 1]! < windowMs) break;
      failures.delete(key);
    }
  };
  const recent = (key: string, now: number) => {
    sweep(now);
    const times = (failures.get(key) ?? []).filter((t) => now - t < windowMs);
    if (times.length) failures.set(key, times);
    else failures.delete(key);
    return times;
  };
  return {
    retryAfter(key, now = Date.now()) {
      const times = recent(key, now);
      return times.length >= limit ? windowMs - (now - times[times.length - limit]!) : 0;
    },
    fail(key, now = Date.now()) {
      const times = [...recent(key, now), now];
      failures.delete(key);
      failures.set(key, times);
      while (failures.size > maxKeys) failures.delete(failures.keys().next().value!);
      return now;
    },
    forgive(key, time) {
      const times = failures.get(key);
      const at = times?.indexOf(time) ?? -1;
      if (at < 0) return;
      times!.splice(at, 1);
      if (!times!.length) failures.delete(key);
    },
    reset(key) {
      failures.delete(key);
    },
    size: () => failures.size,
  };
}
