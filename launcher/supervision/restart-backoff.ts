// When to start a supervised process again after it died. Doubling waits from
// half a second up to a ceiling, so a process that crashes once is back at
// once and one that crashes on every start costs little; a process that stayed
// up long enough counts as healthy again and its next crash starts over.
export interface RestartPolicy {
  firstDelayMs: number;
  ceilingMs: number;
  /** Uptime after which a crash no longer counts as part of a crash loop. */
  stableAfterMs: number;
}

export const RESTART_POLICY: RestartPolicy = { firstDelayMs: 500, ceilingMs: 30_000, stableAfterMs: 60_000 };

export interface RestartPlan {
  /** Crashes in a row, each less than `stableAfterMs` after its start; 1 for a first crash. */
  consecutive: number;
  delayMs: number;
  /** The wait reached the ceiling: the process keeps dying soon after it starts. */
  crashLoop: boolean;
}

export function planRestart(previousConsecutive: number, uptimeMs: number, policy: RestartPolicy = RESTART_POLICY): RestartPlan {
  const consecutive = uptimeMs >= policy.stableAfterMs ? 1 : previousConsecutive + 1;
  // Capped exponent: 2 ** 1000 is Infinity, and Math.min would still give the ceiling, but say what is meant.
  const delayMs = Math.min(policy.ceilingMs, policy.firstDelayMs * 2 ** Math.min(consecutive - 1, 30));
  return { consecutive, delayMs, crashLoop: delayMs >= policy.ceilingMs };
}
