// Starts (and after a SIGKILL, starts again on the same port) one of the
// faults suite's server processes — its upstream, its IdP — and keeps every
// line it printed across restarts.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export interface UpstreamProcess {
  port: number;
  /** Every "called <tool>" line of every run. */
  calls(): string[];
  kill(): Promise<void>;
  start(): Promise<void>;
}

export const startUpstreamProcess = (port: number) => startServerProcess("upstream-server.ts", port);

/** `script` (in this folder) listening on `port`, ready once it prints "listening <port>". */
export async function startServerProcess(script: string, port: number, env: Record<string, string> = {}): Promise<UpstreamProcess> {
  let child: ChildProcess | undefined;
  let output = "";
  const start = () =>
    new Promise<void>((resolve, reject) => {
      child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, script), String(port)], {
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, ...env },
      });
      child.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(`listening ${port}`)) resolve();
      });
      child.once("exit", (code) => reject(new Error(`${script} exited (${code}) before listening`)));
    }).then(() => {
      output = output.replace(`listening ${port}\n`, "");
    });
  await start();
  return {
    port,
    calls: () => output.split("\n").filter((line) => line.startsWith("called ")),
    async kill() {
      const running = child!;
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.kill("SIGKILL");
      await exited;
    },
    start,
  };
}
