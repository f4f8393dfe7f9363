// Starts (and after a SIGKILL, starts again on the same port) the faults
// suite's upstream process; keeps every line it printed across restarts.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export interface UpstreamProcess {
  port: number;
  /** Every "called <tool>" line of every run. */
  calls(): string[];
  kill(): Promise<void>;
  start(): Promise<void>;
}

export async function startUpstreamProcess(port: number): Promise<UpstreamProcess> {
  let child: ChildProcess | undefined;
  let output = "";
  const start = () =>
    new Promise<void>((resolve, reject) => {
      child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "upstream-server.ts"), String(port)], { stdio: ["ignore", "pipe", "inherit"] });
      child.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(`listening ${port}`)) resolve();
      });
      child.once("exit", (code) => reject(new Error(`the upstream exited (${code}) before listening`)));
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
