// One gateway as a real process (`gateway/src/main.ts`), on free ports, with
// the environment the cluster suite gives every gateway.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { findFreePort } from "../../../lib/net/ports";

const ROOT = path.resolve(import.meta.dirname, "../../..");

/** The parts of /status the suite reads. */
export interface GatewayStatus {
  rate_limits: { backend: string; degraded: boolean; reason: string | null; live_gateways: number | null; fallbacks: number };
}

export interface GatewayProcess {
  port: number;
  url: string;
  statusUrl: string;
  status(): Promise<GatewayStatus>;
  metrics(): Promise<string>;
  output(): string;
  /** SIGKILL: a crash, nothing cleaned up. */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

export async function startGatewayProcess(args: string[], env: Record<string, string>, dataDir: string): Promise<GatewayProcess> {
  const [port, httpsPort, statusPort] = await Promise.all([findFreePort(), findFreePort(), findFreePort()]);
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "gateway/src/main.ts"), ...args], {
    cwd: ROOT,
    env: {
      NODE_ENV: "test",
      PATH: process.env.PATH,
      PORTCULLIS_HTTP_PORT: String(port),
      PORTCULLIS_HTTPS_PORT: String(httpsPort),
      PORTCULLIS_STATUS_PORT: String(statusPort),
      PORTCULLIS_HOST: "127.0.0.1",
      PORTCULLIS_DATA_DIR: dataDir,
      ...env,
    },
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", () => output.includes("gateway: listening") && resolve());
    child.once("exit", (code) => reject(new Error(`gateway exited (${code}):\n${output}`)));
  });
  const statusUrl = `http://127.0.0.1:${statusPort}`;
  const ended = () => child.exitCode !== null || child.signalCode !== null;
  const end = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (ended()) return resolve();
      child.removeAllListeners("exit");
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    statusUrl,
    status: async () => (await (await fetch(`${statusUrl}/status`)).json()) as GatewayStatus,
    metrics: async () => (await fetch(`${statusUrl}/metrics`)).text(),
    output: () => output,
    crash: () => end("SIGKILL"),
    stop: () => end("SIGTERM"),
  };
}
