import { afterEach, describe, expect, it, vi } from "vitest";
import type { SupervisedProcessState } from "../../lib/core/supervision/state";
import { Supervisor, type Incarnation } from "./supervisor";

afterEach(() => vi.useRealTimers());

/** A process that dies with SIGSEGV as soon as it starts, every time. */
function crashingAtOnce() {
  const launches: number[] = [];
  const launch = (restart: number): Promise<Incarnation> => {
    launches.push(restart);
    return Promise.resolve({ pid: 1000 + restart, exited: Promise.resolve({ code: null, signal: "SIGSEGV" }), stop: () => Promise.resolve() });
  };
  return { launches, launch };
}

describe("Supervisor", () => {
  it("restarts a process that keeps crashing with doubling waits up to 30 s, says once per crash how it died, and marks the crash loop", async () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const states: SupervisedProcessState[] = [];
    const proc = crashingAtOnce();
    const supervisor = new Supervisor("console", { launch: proc.launch, say: (line) => lines.push(line), report: (s) => states.push(s) });
    await supervisor.start();
    for (let i = 0; i < 8; i++) await vi.advanceTimersByTimeAsync(30_000);
    expect(proc.launches.slice(0, 9)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(lines[0]).toMatch(/^console exited unexpectedly \(killed by SIGSEGV\) after 0\.0 s; restarting in 0\.5 s$/);
    expect(lines.slice(1, 6).map((l) => l.match(/restarting in ([\d.]+) s/)![1])).toEqual(["1.0", "2.0", "4.0", "8.0", "16"]);
    expect(lines[6]).toMatch(/it keeps crashing \(7 times in a row\), restarting in 30 s, the longest wait$/);
    expect(supervisor.state).toMatchObject({ state: "restarting", crash_loop: true, last_exit: { code: null, signal: "SIGSEGV" } });
    expect(states.some((s) => s.state === "running" && s.pid === 1003)).toBe(true);
    await supervisor.stop(false);
    const launched = proc.launches.length;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(proc.launches.length).toBe(launched);
    expect(supervisor.state.state).toBe("stopped");
  });

  it("counts a start that fails as a crash and tries again", async () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    let attempts = 0;
    let die: (exit: { code: number | null; signal: NodeJS.Signals | null }) => void = () => {};
    const supervisor = new Supervisor("database", {
      launch: (restart) => {
        attempts++;
        if (restart === 1) return Promise.reject(new Error("Port 5432 is already in use\nmore detail"));
        return Promise.resolve({ pid: 7, exited: new Promise((resolve) => (die = resolve)), stop: () => Promise.resolve() });
      },
      say: (line) => lines.push(line),
      report: () => {},
    });
    await supervisor.start();
    die({ code: 1, signal: null });
    await vi.advanceTimersByTimeAsync(500);
    expect(lines).toEqual([expect.stringMatching(/^database exited unexpectedly \(exit code 1\)/), "database could not start (Port 5432 is already in use); restarting in 1.0 s"]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(attempts).toBe(3);
    expect(supervisor.state).toMatchObject({ state: "running", restarts: 2, crash_loop: false });
    await supervisor.stop(false);
  });
});
