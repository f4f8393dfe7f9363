import { describe, expect, it } from "vitest";
import { planRestart, RESTART_POLICY, type RestartPolicy } from "./restart-backoff";

const policy: RestartPolicy = { firstDelayMs: 500, ceilingMs: 30_000, stableAfterMs: 60_000 };

describe("planRestart", () => {
  it.each([
    // previous crashes in a row, uptime of the incarnation that died → crashes in a row, wait, crash loop
    [0, 0, 1, 500, false],
    [1, 1_000, 2, 1_000, false],
    [2, 1_000, 3, 2_000, false],
    [5, 59_999, 6, 16_000, false],
    [6, 10, 7, 30_000, true],
    [7, 10, 8, 30_000, true],
    [1_000, 0, 1_001, 30_000, true],
    // a process that stayed up a minute is healthy again: its crash starts over
    [7, 60_000, 1, 500, false],
    [0, 3_600_000, 1, 500, false],
  ])("after %i crash(es) in a row, one after %i ms up: crash %i waits %i ms (crash loop %s)", (previous, uptime, consecutive, delayMs, crashLoop) => {
    expect(planRestart(previous, uptime, policy)).toEqual({ consecutive, delayMs, crashLoop });
  });

  it("never waits less than the first delay nor more than the ceiling, and never shorter after another quick crash", () => {
    let previous = planRestart(0, 0, policy);
    for (let crash = 0; crash < 100; crash++) {
      const next = planRestart(previous.consecutive, 100, policy);
      expect(next.delayMs).toBeGreaterThanOrEqual(previous.delayMs);
      expect(next.delayMs).toBeLessThanOrEqual(policy.ceilingMs);
      expect(next.delayMs).toBeGreaterThanOrEqual(policy.firstDelayMs);
      previous = next;
    }
    expect(previous.crashLoop).toBe(true);
  });

  it("uses the product's policy by default: back within a second, at most half a minute between attempts", () => {
    expect(planRestart(0, 0)).toEqual({ consecutive: 1, delayMs: RESTART_POLICY.firstDelayMs, crashLoop: false });
    expect(RESTART_POLICY.firstDelayMs).toBeLessThanOrEqual(1_000);
    expect(RESTART_POLICY.ceilingMs).toBe(30_000);
  });
});
