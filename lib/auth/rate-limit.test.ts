import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate-limit";

const MINUTE = 60_000;

describe("sign-in rate limiter", () => {
  it("allows `limit` failures in the window, then refuses until the oldest one leaves it", () => {
    const limiter = createRateLimiter(5, 15 * MINUTE);
    const t0 = 1_000_000;
    for (let i = 0; i < 5; i++) {
      expect(limiter.retryAfter("ana@example.com", t0 + i * MINUTE)).toBe(0);
      limiter.fail("ana@example.com", t0 + i * MINUTE);
    }
    // The 6th attempt, a minute after the 5th failure: wait until the first failure is 15 minutes old.
    expect(limiter.retryAfter("ana@example.com", t0 + 5 * MINUTE)).toBe(10 * MINUTE);
    expect(limiter.retryAfter("ana@example.com", t0 + 15 * MINUTE - 1)).toBe(1);
    expect(limiter.retryAfter("ana@example.com", t0 + 15 * MINUTE)).toBe(0);
  });

  it("counts each key on its own", () => {
    const limiter = createRateLimiter(2, MINUTE);
    limiter.fail("a", 0);
    limiter.fail("a", 1);
    expect(limiter.retryAfter("a", 2)).toBeGreaterThan(0);
    expect(limiter.retryAfter("b", 2)).toBe(0);
  });

  it("a success clears the account (reset) or takes back just its own attempt (forgive)", () => {
    const limiter = createRateLimiter(3, MINUTE);
    limiter.fail("acct", 0);
    limiter.fail("acct", 1);
    limiter.reset("acct");
    expect(limiter.retryAfter("acct", 2)).toBe(0);

    limiter.fail("addr", 0);
    limiter.fail("addr", 1);
    const attempt = limiter.fail("addr", 2);
    expect(limiter.retryAfter("addr", 3)).toBeGreaterThan(0);
    limiter.forgive("addr", attempt);
    expect(limiter.retryAfter("addr", 3)).toBe(0);
    // Forgiving an unknown attempt changes nothing.
    limiter.forgive("addr", 12345);
    limiter.forgive("nobody", 0);
    expect(limiter.retryAfter("addr", 3)).toBe(0);
  });

  it("forgets failures older than the window", () => {
    const limiter = createRateLimiter(1, MINUTE);
    limiter.fail("k", 0);
    expect(limiter.retryAfter("k", MINUTE - 1)).toBe(1);
    expect(limiter.retryAfter("k", MINUTE)).toBe(0);
  });
});

describe("sign-in rate limiter memory", () => {
  it("drops keys whose failures left the window, however many there were", () => {
    const limiter = createRateLimiter(5, MINUTE);
    for (let i = 0; i < 10_000; i++) limiter.fail(`spoofed-${i}@example.com`, i % 1000);
    expect(limiter.size()).toBe(10_000);
    limiter.retryAfter("anyone", MINUTE + 1000);
    expect(limiter.size()).toBe(0);
  });

  it("keeps the keys still in the window", () => {
    const limiter = createRateLimiter(5, MINUTE);
    limiter.fail("old", 0);
    limiter.fail("new", MINUTE / 2);
    limiter.fail("old", MINUTE / 2 + 1);
    limiter.retryAfter("x", MINUTE + 10);
    expect(limiter.size()).toBe(2);
    limiter.retryAfter("x", MINUTE + MINUTE / 2 + 1);
    expect(limiter.size()).toBe(0);
  });

  it("holds at most maxKeys, dropping the one failed longest ago", () => {
    const limiter = createRateLimiter(1, MINUTE, 100);
    for (let i = 0; i < 1000; i++) limiter.fail(`k${i}`, 0);
    expect(limiter.size()).toBe(100);
    expect(limiter.retryAfter("k999", 1)).toBeGreaterThan(0);
    expect(limiter.retryAfter("k0", 1)).toBe(0);
  });
});
