// The Generic Cell Rate Algorithm (ITU-T I.371): one number per counter, the
// theoretical arrival time (TAT) of the next call. A budget of `quota` per
// `windowMs` spaces calls `windowMs / quota` apart and lets a full budget be
// spent at once: a call is admitted when, after it, the TAT is at most one
// window ahead of now. Both limiters (in process and the Redis Lua script)
// do exactly this arithmetic.

/** Rounding of fractional intervals (60 000 ms / 7) must never refuse the last call of a budget. */
export const GCRA_EPSILON_MS = 0.001;

export interface GcraOutcome {
  allowed: boolean;
  /** The TAT to store when allowed. */
  tat: number;
  /** How long until the call would be admitted (0 when allowed). */
  waitMs: number;
  /** Calls still admitted at once after this one (or, when refused, now). */
  remaining: number;
}

export function gcra(storedTat: number | undefined, now: number, quota: number, windowMs: number, cost: number): GcraOutcome {
  const interval = windowMs / quota;
  const base = storedTat === undefined || storedTat < now ? now : storedTat;
  const tat = base + cost * interval;
  const wait = tat - windowMs - now;
  if (wait > GCRA_EPSILON_MS) return { allowed: false, tat: base, waitMs: wait, remaining: Math.floor((now + windowMs - base) / interval + GCRA_EPSILON_MS) };
  return { allowed: true, tat, waitMs: 0, remaining: Math.floor((now + windowMs - tat) / interval + GCRA_EPSILON_MS) };
}
