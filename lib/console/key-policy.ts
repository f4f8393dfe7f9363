// The rules a key change must follow, as pure functions of the admins'
// settings and the clock: how long a key may live, how many active keys a
// consumer may hold, and when a rolled key stops working.
import { ConsoleError } from "./errors";

const DAY_MS = 86_400_000;
/** A browser's clock may run a little ahead of the server's: "in 30 days" computed there is still 30 days. */
const CLOCK_SKEW_MS = 5 * 60_000;

export const MAX_ROLL_OVERLAP_SECONDS = 7 * 86_400;

/** The overlaps the console offers when a key is rolled (the API takes any number of seconds up to 7 days). */
export const ROLL_OVERLAPS = [
  { seconds: 0, label: "None: the old key stops now" },
  { seconds: 3_600, label: "1 hour" },
  { seconds: 86_400, label: "24 hours" },
  { seconds: 7 * 86_400, label: "7 days" },
] as const;

export function latestAllowedExpiry(maxLifetimeDays: number, now: Date): Date {
  return new Date(now.getTime() + maxLifetimeDays * DAY_MS);
}

/**
 * What to store as the expiry of a key created in self-service: the expiry
 * asked for, which must not pass the maximum lifetime (a key without expiry
 * passes every maximum). Within the clock-skew tolerance it is trimmed to the
 * maximum rather than refused.
 */
export function cappedKeyExpiry(requested: Date | null, maxLifetimeDays: number | null, now: Date): Date | null {
  if (maxLifetimeDays === null) return requested;
  const latest = latestAllowedExpiry(maxLifetimeDays, now);
  if (requested === null || requested.getTime() > latest.getTime() + CLOCK_SKEW_MS) {
    throw new ConsoleError("invalid", "Some fields need attention.", {
      expiresAt: `keys expire within ${maxLifetimeDays} day(s) at most: pick a date up to ${latest.toISOString().slice(0, 10)}`,
    });
  }
  return requested.getTime() > latest.getTime() ? latest : requested;
}

/** When a rolled key stops working: at the end of the overlap, or earlier if it was due to expire before that. */
export function rolledKeyExpiry(currentExpiry: Date | null, overlapSeconds: number, now: Date): Date {
  const endOfOverlap = new Date(now.getTime() + overlapSeconds * 1000);
  return currentExpiry !== null && currentExpiry < endOfOverlap ? currentExpiry : endOfOverlap;
}

/**
 * The expiry of the key that replaces a rolled one: the old key's lifetime
 * again, counted from now (none if it had none), within the maximum lifetime
 * when one applies.
 */
export function replacementKeyExpiry(old: { createdAt: Date; expiresAt: Date | null }, maxLifetimeDays: number | null, now: Date): Date | null {
  const lifetime = old.expiresAt === null ? null : new Date(now.getTime() + Math.max(old.expiresAt.getTime() - old.createdAt.getTime(), 0));
  if (maxLifetimeDays === null) return lifetime;
  const latest = latestAllowedExpiry(maxLifetimeDays, now);
  return lifetime === null || lifetime > latest ? latest : lifetime;
}

/** Refuses a key beyond the consumer's limit of active keys (409), saying how to make room. */
export function assertRoomForKey(activeKeys: number, limit: number, action: "create" | "roll"): void {
  if (activeKeys < limit) return;
  const room = action === "roll" ? "Revoke a key you no longer use, or roll with no overlap." : "Revoke a key you no longer use first.";
  throw new ConsoleError("conflict", `This consumer already has ${activeKeys} active key(s); the limit is ${limit}. ${room}`);
}
