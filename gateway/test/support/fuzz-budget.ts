// One time budget and one seed for the property suites: a few seconds inside
// `npm test`, as long as FUZZ_SECONDS says under `npm run fuzz`. A fixed seed
// makes a failure reproducible (FUZZ_SEED=<seed> reruns another sequence).
import fc from "fast-check";
import { expect } from "vitest";

export const FUZZ_SECONDS = Number(process.env.FUZZ_SECONDS ?? 6);
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 1_202_2026);
/** The vitest timeout for a suite's one property: its budget plus shrinking and teardown. */
export const FUZZ_TEST_TIMEOUT_MS = (FUZZ_SECONDS + 60) * 1000;

/** Runs the property until the budget is spent; fails with fast-check's report (seed, path, counterexample). */
export async function checkWithinBudget<T>(property: fc.IAsyncPropertyWithHooks<T>, minRuns: number, options: { endOnFailure?: boolean } = {}): Promise<number> {
  const result = await fc.check(property, {
    seed: FUZZ_SEED,
    numRuns: Number.MAX_SAFE_INTEGER,
    interruptAfterTimeLimit: FUZZ_SECONDS * 1000,
    markInterruptAsFailure: false,
    ...options,
  });
  expect(result.failed, `${fc.defaultReportMessage(result) ?? ""}\n${String(result.errorInstance)}`).toBe(false);
  // A budget too small to try anything proves nothing.
  expect(result.numRuns).toBeGreaterThanOrEqual(minRuns);
  return result.numRuns;
}
