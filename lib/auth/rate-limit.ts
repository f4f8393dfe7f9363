// Sign-in throttling, in the console process's memory: after too many failures
// for one account or from one address within the window, further attempts are
// refused until the window passes. A success clears the account's counter.
export interface RateLimiter {
  /** Milliseconds to wait before another attempt is allowed, or 0. */
  retryAfter(key: string, now?: number): number;
  fail(key: string, now?: number): void;
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
      return times.length >= limit ? windowMs - (now - times[0]!) : 0;
    },
    fail(key, now = Date.now()) {
      failures.set(key, [...recent(key, now), now]);
    },
    reset(key) {
      failures.delete(key);
    },
  };
}
