// Sign-in throttling, in the console process's memory: after too many failures
// for one account or from one address within the window, further attempts are
// refused until the window passes. An attempt counts as a failure from the
// moment it starts (so a burst of parallel guesses cannot all slip in before
// the first is judged) and is taken back if it succeeds.
export interface RateLimiter {
  /** Milliseconds to wait before another attempt is allowed, or 0. */
  retryAfter(key: string, now?: number): number;
  /** Records a failure at `now` and returns that time, to `forgive` it later. */
  fail(key: string, now?: number): number;
  /** Takes back one failure recorded at `time` (the attempt turned out to succeed). */
  forgive(key: string, time: number): void;
  reset(key: string): void;
}

export function createRateLimiter(limit: number, windowMs: number): RateLimiter {
  const failures = new Map<string, number[]>();
  const recent = (key: string, now: number) => {
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
      failures.set(key, [...recent(key, now), now]);
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
  };
}
