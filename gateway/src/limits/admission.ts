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

export type Admission = { ok: true; release: () => void } | { ok: false; refusal: Refusal };

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
