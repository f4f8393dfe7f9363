// Child processes of `npm start`: output prefixed per process, readiness by
// polling a URL, and a stop that escalates from SIGTERM to SIGKILL.
import { spawn, type ChildProcess } from "node:child_process";

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(force?: boolean): Promise<void>;
}

function prefixLines(name: string, write: (line: string) => void) {
  let rest = "";
  return (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) write(`[${name}] ${line}`);
  };
}

export function startProcess(name: string, command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }): ManagedProcess {
  // Own process group: Ctrl-C goes to the launcher, which stops children in order.
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout.on(
    "data",
    prefixLines(name, (line) => process.stdout.write(line + "\n")),
  );
  child.stderr.on(
    "data",
    prefixLines(name, (line) => process.stderr.write(line + "\n")),
  );
  // Never leave a child behind if the launcher itself dies.
  const orphanGuard = () => child.kill("SIGKILL");
  process.once("exit", orphanGuard);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      process.off("exit", orphanGuard);
      resolve({ code, signal });
    }),
  );
  const stop = async (force = false) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(force ? "SIGKILL" : "SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return { name, child, exited, stop };
}

export function runToCompletion(command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string; prefix: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on(
      "data",
      prefixLines(options.prefix, (line) => process.stdout.write(line + "\n")),
    );
    child.stderr.on(
      "data",
      prefixLines(options.prefix, (line) => process.stderr.write(line + "\n")),
    );
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${options.prefix} exited with code ${code}`))));
  });
}

/** Resolves when the process prints a line matching `pattern`; rejects if it exits first or the timeout passes. */
export function waitForLine(proc: ManagedProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4096);
      if (pattern.test(seen)) finish();
    };
    const onExit = (code: number | null) => finish(new Error(`${proc.name} stopped during start (exit code ${code})`));
    const timer = setTimeout(() => finish(new Error(`${proc.name} was not ready within ${timeoutMs / 1000} s`)), timeoutMs);
    function finish(error?: Error) {
      clearTimeout(timer);
      proc.child.stdout!.off("data", onData);
      proc.child.stderr!.off("data", onData);
      proc.child.off("exit", onExit);
      if (error) reject(error);
      else resolve();
    }
    proc.child.stdout!.on("data", onData);
    proc.child.stderr!.on("data", onData);
    proc.child.once("exit", onExit);
  });
}
