// A throwaway redis-server on a free port, password required (AUTH), nothing
// persisted; it can be killed (SIGKILL, as a crash) and started again on the
// same port, empty.
import { spawn, type ChildProcess } from "node:child_process";
import { findFreePort } from "../../../lib/net/ports";
import { requireBinary } from "./binaries";

export interface RedisProcess {
  url: string;
  port: number;
  kill(): Promise<void>;
  start(): Promise<void>;
}

export const REDIS_PASSWORD = "cluster-suite-secret";

export async function startRedis(extraArgs: string[] = [], port?: number): Promise<RedisProcess> {
  const binary = requireBinary("redis-server");
  const listenPort = port ?? (await findFreePort());
  let child: ChildProcess | undefined;
  const args = ["--port", String(listenPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass", REDIS_PASSWORD, ...extraArgs];
  const redis: RedisProcess = {
    url: `redis://:${REDIS_PASSWORD}@127.0.0.1:${listenPort}`,
    port: listenPort,
    async start() {
      const started = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
      child = started;
      await new Promise<void>((resolve, reject) => {
        let seen = "";
        started.stdout.on("data", (chunk: Buffer) => {
          seen += chunk.toString();
          if (seen.includes("Ready to accept connections")) resolve();
        });
        started.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${seen}`)));
      });
    },
    kill: () =>
      new Promise((resolve) => {
        if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
  await redis.start();
  return redis;
}
