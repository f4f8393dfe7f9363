// Keeps one of `npm start`'s processes running: when it dies without being
// asked to, one line says how (exit code or signal) and it is started again
// after the backoff of restart-backoff.ts. A start that fails counts as a
// crash. Only stop() — Ctrl-C or SIGTERM to the launcher — ends it for good.
import type { ExitCause, SupervisedName, SupervisedProcessState } from "../../lib/core/supervision/state";
import { planRestart, RESTART_POLICY, type RestartPolicy } from "./restart-backoff";

/** One run of the process. */
export interface Incarnation {
  pid: number | null;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(force: boolean): Promise<void>;
}

export interface SupervisorOptions {
  /** Starts a run; `restart` counts the restarts so far (0: the first start). */
  launch(restart: number): Promise<Incarnation>;
  say(line: string): void;
  /** Called with the new state on every change. */
  report(state: SupervisedProcessState): void;
  policy?: RestartPolicy;
}

function describeExit(exit: { code: number | null; signal: string | null }): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

export class Supervisor {
  #current: Incarnation | undefined;
  #stopping = false;
  #timer: NodeJS.Timeout | undefined;
  #consecutive = 0;
  #state: SupervisedProcessState;

  constructor(
    readonly name: SupervisedName,
    private readonly options: SupervisorOptions,
  ) {
    this.#state = { name, state: "stopped", pid: null, started_at: null, restarts: 0, last_exit: null, next_restart_at: null, crash_loop: false };
  }

  get state(): SupervisedProcessState {
    return this.#state;
  }

  #update(change: Partial<SupervisedProcessState>) {
    this.#state = { ...this.#state, ...change };
    this.options.report(this.#state);
  }

  /** Starts the first run and resolves once it is up (rejects if that fails: nothing to keep running yet). */
  async start(): Promise<void> {
    const first = await this.options.launch(0);
    this.#watch(first);
  }

  #watch(incarnation: Incarnation) {
    this.#current = incarnation;
    const startedAt = Date.now();
    this.#update({ state: "running", pid: incarnation.pid, started_at: new Date(startedAt).toISOString(), next_restart_at: null });
    void incarnation.exited.then((exit) => {
      if (this.#current !== incarnation) return;
      this.#current = undefined;
      if (this.#stopping) return;
      this.#crashed({ at: new Date().toISOString(), code: exit.code, signal: exit.signal }, Date.now() - startedAt);
    });
  }

  #crashed(exit: ExitCause, uptimeMs: number, startError?: string) {
    const plan = planRestart(this.#consecutive, uptimeMs, this.options.policy ?? RESTART_POLICY);
    this.#consecutive = plan.consecutive;
    const how = startError ? `could not start (${startError})` : `exited unexpectedly (${describeExit(exit)}) after ${seconds(uptimeMs)}`;
    this.options.say(
      plan.crashLoop
        ? `${this.name} ${how}; it keeps crashing (${plan.consecutive} times in a row), restarting in ${seconds(plan.delayMs)}, the longest wait`
        : `${this.name} ${how}; restarting in ${seconds(plan.delayMs)}`,
    );
    this.#update({
      state: "restarting",
      pid: null,
      last_exit: exit,
      next_restart_at: new Date(Date.now() + plan.delayMs).toISOString(),
      crash_loop: plan.crashLoop,
    });
    this.#timer = setTimeout(() => void this.#restart(), plan.delayMs);
  }

  async #restart() {
    this.#timer = undefined;
    if (this.#stopping) return;
    const restart = this.#state.restarts + 1;
    this.#update({ restarts: restart });
    const startedAt = Date.now();
    try {
      const incarnation = await this.options.launch(restart);
      if (this.#stopping) {
        await incarnation.stop(false);
        return;
      }
      this.#watch(incarnation);
    } catch (error) {
      if (this.#stopping) return;
      this.#crashed({ at: new Date().toISOString(), code: null, signal: null }, Date.now() - startedAt, (error as Error).message.split("\n")[0]);
    }
  }

  /** Stops for good: no further restart, and the running process (if any) is stopped. */
  async stop(force: boolean): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    await this.#current?.stop(force);
    this.#update({ state: "stopped", pid: null, next_restart_at: null });
  }
}
