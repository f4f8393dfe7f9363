// Dynamic client registration (RFC 7591) needs no credentials, so each client
// address may register at most PORTCULLIS_OAUTH_REGISTRATIONS_PER_HOUR clients
// an hour, counted in the console process's memory like sign-in throttling
// (lib/auth/rate-limit.ts; the address as lib/auth/client-address.ts reads it). A
// client that stays unused is pruned later (clients.ts pruneUnusedClients).
import { createRateLimiter, type RateLimiter } from "../auth/rate-limit";

const HOUR_MS = 3_600_000;

let current: { perHour: number; limiter: RateLimiter } | undefined;

/** Milliseconds until this address may register again (0: it may now, and this registration is counted). */
export function registrationWaitMs(address: string, perHour: number, now = Date.now()): number {
  if (current?.perHour !== perHour) current = { perHour, limiter: createRateLimiter(perHour, HOUR_MS) };
  const wait = current.limiter.retryAfter(address, now);
  if (wait === 0) current.limiter.fail(address, now);
  return wait;
}
