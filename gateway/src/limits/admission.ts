// What a limiter is asked and what it answers, whichever limiter it is (in
// process, Redis, or the local fallback while Redis is unreachable).
import type { LimitRule, WindowName } from "./limit-rules";

/** One matching rule charged for `cost` calls (a batch may call the same tool twice) by one consumer. */
export interface LimitCharge {
  rule: LimitRule;
  consumer: string;
  cost: number;
}

export interface Refusal {
  rule: LimitRule;
  limit: WindowName | "concurrent";
  /** The quota enforced (while degraded: the configured one divided by the live gateways). */
  quota: number;
  windowMs: number | undefined;
  waitMs: number;
}

/** What an admitted call has left of the budget closest to running out (the RateLimit headers of its response). */
export interface Remaining {
  rule: LimitRule;
  limit: WindowName | "concurrent";
  quota: number;
  windowMs: number | undefined;
  /** Calls still admitted now, after this one. */
  remaining: number;
  /** Until the budget is whole again (0 for a concurrency limit: a slot frees when a call ends). */
  resetMs: number;
}

export type Admission = { ok: true; release: () => void; remaining: Remaining | undefined } | { ok: false; refusal: Refusal };

/** Of several budgets the caller is told about the one with the fewest calls left. */
export function fewestLeft(budgets: Remaining[]): Remaining | undefined {
  return budgets.reduce<Remaining | undefined>((least, b) => (least === undefined || b.remaining < least.remaining ? b : least), undefined);
}

export interface Limiter {
  acquire(charges: readonly LimitCharge[]): Admission | Promise<Admission>;
}

/** A concurrency refusal has no window to wait for: the caller is told to retry after this. */
export const CONCURRENCY_RETRY_MS = 1000;

export const counterKey = (charge: LimitCharge) => `${charge.rule.id}|${charge.consumer}`;

/** Of several refusals the caller must wait for the longest. */
export function longestWait(refusals: Refusal[]): Refusal | undefined {
  return refusals.reduce<Refusal | undefined>((worst, r) => (worst === undefined || r.waitMs > worst.waitMs ? r : worst), undefined);
}
