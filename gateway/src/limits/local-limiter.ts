// The in-process limiter: exact for one gateway, no extra component. Counters
// are GCRA TATs and in-flight counts in Maps; all of a call's charges are
// checked before any is taken, so a call refused by one rule spends nothing
// of the others. `share` divides every quota: 1 normally, the number of live
// gateways when this limiter stands in for an unreachable Redis.
import { CONCURRENCY_RETRY_MS, counterKey, fewestLeft, longestWait, type Admission, type LimitCharge, type Limiter, type Refusal, type Remaining } from "./admission";
import { gcra } from "./gcra";

const SWEEP_EVERY = 1024;

export class LocalLimiter implements Limiter {
  readonly #tats = new Map<string, number>();
  readonly #inFlight = new Map<string, number>();
  #sinceSweep = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly share: () => number = () => 1,
  ) {}

  acquire(charges: readonly LimitCharge[]): Admission {
    const now = this.now();
    if (++this.#sinceSweep >= SWEEP_EVERY) this.#sweep(now);
    const divisor = this.share();
    const refusals: Refusal[] = [];
    const tats: [string, number][] = [];
    const slots: [string, number][] = [];
    const left: Remaining[] = [];
    for (const charge of charges) {
      const key = counterKey(charge);
      for (const window of charge.rule.windows) {
        const quota = Math.max(1, Math.floor(window.quota / divisor));
        const windowKey = `${key}|${window.name}`;
        const outcome = gcra(this.#tats.get(windowKey), now, quota, window.windowMs, charge.cost);
        if (outcome.allowed) {
          tats.push([windowKey, outcome.tat]);
          left.push({ rule: charge.rule, limit: window.name, quota, windowMs: window.windowMs, remaining: outcome.remaining, resetMs: outcome.tat - now });
        } else refusals.push({ rule: charge.rule, limit: window.name, quota, windowMs: window.windowMs, waitMs: outcome.waitMs });
      }
      if (charge.rule.concurrent !== undefined) {
        const quota = Math.max(1, Math.floor(charge.rule.concurrent / divisor));
        const held = this.#inFlight.get(key) ?? 0;
        if (held + charge.cost > quota) refusals.push({ rule: charge.rule, limit: "concurrent", quota, windowMs: undefined, waitMs: CONCURRENCY_RETRY_MS });
        else {
          slots.push([key, charge.cost]);
          left.push({ rule: charge.rule, limit: "concurrent", quota, windowMs: undefined, remaining: quota - held - charge.cost, resetMs: 0 });
        }
      }
    }
    const refusal = longestWait(refusals);
    if (refusal) return { ok: false, refusal };
    for (const [key, tat] of tats) this.#tats.set(key, tat);
    for (const [key, cost] of slots) this.#inFlight.set(key, (this.#inFlight.get(key) ?? 0) + cost);
    return { ok: true, release: slots.length === 0 ? noop : this.#releaser(slots), remaining: fewestLeft(left) };
  }

  #releaser(slots: [string, number][]) {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const [key, cost] of slots) {
        const left = (this.#inFlight.get(key) ?? cost) - cost;
        if (left <= 0) this.#inFlight.delete(key);
        else this.#inFlight.set(key, left);
      }
    };
  }

  /** A TAT in the past is the same as none: dropping it keeps memory to the counters in use. */
  #sweep(now: number) {
    this.#sinceSweep = 0;
    for (const [key, tat] of this.#tats) if (tat <= now) this.#tats.delete(key);
  }

  /** Counters held, for tests and /status. */
  get size() {
    return { counters: this.#tats.size, inFlight: this.#inFlight.size };
  }
}

const noop = () => {};
