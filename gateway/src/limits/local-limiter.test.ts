// The limiter's arithmetic at window edges, with an injected clock.
import { describe, expect, it } from "vitest";
import type { Admission, LimitCharge } from "./admission";
import { gcra } from "./gcra";
import { compileLimits, matchLimits } from "./limit-rules";
import { LocalLimiter } from "./local-limiter";

const rulesFor = (rule: Record<string, unknown>) => matchLimits(compileLimits("s", [{ subject: "*", tool: "*", ...rule }]), { username: "u", groups: [] }, "t");
const charge = (rule: Record<string, unknown>, cost = 1): LimitCharge[] => rulesFor(rule).map((r) => ({ rule: r, consumer: "u", cost }));

function clock(start = 1_700_000_000_000) {
  const c = { now: start, advance: (ms: number) => (c.now += ms) };
  return c;
}

const admitted = (a: Admission) => a.ok;

describe("gcra", () => {
  it.each([
    // quota, window, the times of calls (ms from start), which are admitted
    {
      what: "a full budget at once, then one per interval",
      quota: 3,
      windowMs: 60_000,
      at: [0, 0, 0, 0, 19_999, 20_000, 20_000, 40_000],
      admitted: [true, true, true, false, false, true, false, true],
    },
    { what: "an idle window refills the whole budget", quota: 2, windowMs: 1000, at: [0, 0, 0, 5000, 5000, 5000], admitted: [true, true, false, true, true, false] },
    {
      what: "a fractional interval (60 s / 7) still admits all 7",
      quota: 7,
      windowMs: 60_000,
      at: [0, 0, 0, 0, 0, 0, 0, 0],
      admitted: [true, true, true, true, true, true, true, false],
    },
    {
      what: "the 7th interval edge, to the millisecond",
      quota: 7,
      windowMs: 60_000,
      at: [0, 0, 0, 0, 0, 0, 0, 8571, 8572],
      admitted: [true, true, true, true, true, true, true, false, true],
    },
  ])("$what", ({ quota, windowMs, at, admitted }) => {
    let tat: number | undefined;
    const seen = at.map((t) => {
      const o = gcra(tat, t, quota, windowMs, 1);
      if (o.allowed) tat = o.tat;
      return o.allowed;
    });
    expect(seen).toEqual(admitted);
  });

  it("says how long to wait and how much is left", () => {
    expect(gcra(undefined, 0, 3, 60_000, 1)).toMatchObject({ allowed: true, remaining: 2 });
    const tat = gcra(undefined, 0, 3, 60_000, 3).tat;
    expect(gcra(tat, 0, 3, 60_000, 1)).toEqual({ allowed: false, tat: 60_000, waitMs: 20_000, remaining: 0 });
    expect(gcra(tat, 15_000, 3, 60_000, 1)).toMatchObject({ allowed: false, waitMs: 5_000 });
    expect(gcra(tat, 0, 3, 60_000, 4)).toMatchObject({ allowed: false, waitMs: 80_000 });
  });
});

describe("LocalLimiter", () => {
  it("admits exactly per_minute calls in a minute, and the next one at the interval's edge", () => {
    const c = clock();
    const limiter = new LocalLimiter(() => c.now);
    const charges = charge({ per_minute: 10 });
    expect(Array.from({ length: 15 }, () => admitted(limiter.acquire(charges))).filter(Boolean)).toHaveLength(10);
    c.advance(5_999);
    const refused = limiter.acquire(charges);
    expect(refused).toMatchObject({ ok: false, refusal: { limit: "per_minute", quota: 10, windowMs: 60_000 } });
    expect(refused.ok || refused.refusal.waitMs).toBeCloseTo(1, 6);
    c.advance(1);
    expect(admitted(limiter.acquire(charges))).toBe(true);
    expect(admitted(limiter.acquire(charges))).toBe(false);
  });

  it("checks every window of every rule before taking any", () => {
    const c = clock();
    const limiter = new LocalLimiter(() => c.now);
    const both = [...charge({ per_minute: 100, per_hour: 3 }), ...charge({ per_day: 50 })];
    for (let i = 0; i < 3; i++) expect(admitted(limiter.acquire(both))).toBe(true);
    const refused = limiter.acquire(both);
    expect(refused).toMatchObject({ ok: false, refusal: { limit: "per_hour", quota: 3 } });
    // The refused call spent nothing: 47 of the day's 50 remain for a rule that only counts days.
    const day = charge({ per_day: 50 });
    expect(Array.from({ length: 60 }, () => admitted(limiter.acquire(day))).filter(Boolean)).toHaveLength(47);
  });

  it("names the rule with the longest wait when several refuse", () => {
    const c = clock();
    const limiter = new LocalLimiter(() => c.now);
    const charges = charge({ per_minute: 1, per_hour: 1 });
    limiter.acquire(charges);
    expect(limiter.acquire(charges)).toMatchObject({ ok: false, refusal: { limit: "per_hour", waitMs: 3_600_000 } });
  });

  it("holds concurrency slots until released, once", () => {
    const limiter = new LocalLimiter(() => 0);
    const charges = charge({ concurrent: 2 });
    const first = limiter.acquire(charges);
    const second = limiter.acquire(charges);
    expect(limiter.acquire(charges)).toMatchObject({ ok: false, refusal: { limit: "concurrent", quota: 2, waitMs: 1000 } });
    if (!first.ok || !second.ok) throw new Error("expected two slots");
    first.release();
    first.release();
    expect(admitted(limiter.acquire(charges))).toBe(true);
    expect(admitted(limiter.acquire(charges))).toBe(false);
    second.release();
    expect(limiter.size.inFlight).toBe(1);
  });

  it("charges a batch's calls together: two calls need two units", () => {
    const limiter = new LocalLimiter(() => 0);
    expect(admitted(limiter.acquire(charge({ concurrent: 1 }, 2)))).toBe(false);
    expect(admitted(limiter.acquire(charge({ per_minute: 3 }, 2)))).toBe(true);
    expect(admitted(limiter.acquire(charge({ per_minute: 3 }, 2)))).toBe(false);
  });

  it("divides quotas by its share (never below one)", () => {
    let share = 3;
    const limiter = new LocalLimiter(
      () => 0,
      () => share,
    );
    const charges = charge({ per_minute: 10, concurrent: 2 });
    const results = Array.from({ length: 5 }, () => limiter.acquire(charges));
    expect(results.filter(admitted)).toHaveLength(1);
    expect(results[1]).toMatchObject({ ok: false, refusal: { limit: "concurrent", quota: 1 } });
    share = 1;
    expect(admitted(limiter.acquire(charges))).toBe(true);
  });

  it("forgets counters whose budget has refilled", () => {
    const c = clock();
    const limiter = new LocalLimiter(() => c.now);
    for (let i = 0; i < 1000; i++) limiter.acquire(charge({ per_minute: 5 }).map((x) => ({ ...x, consumer: `u${i}` })));
    expect(limiter.size.counters).toBe(1000);
    c.advance(60_000);
    for (let i = 0; i < 24; i++) limiter.acquire(charge({ per_minute: 5 }));
    expect(limiter.size.counters).toBe(1);
  });
});
