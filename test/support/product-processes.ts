// The product's processes for integration tests that need them separately —
// a console (control plane) and gateways (data planes) that can be stopped,
// killed and restarted one by one — each on free ports.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { buildConsoleIfNeeded } from "../../launcher/console-build";
import { findFreePort } from "../../lib/net/ports";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when the output (from now on, or already) matches `pattern`. */
  waitFor(pattern: RegExp): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function run(args: string[], env: NodeJS.ProcessEnv): RunningProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const onData = (chunk: Buffer) => (output += chunk.toString());
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    output: () => output,
    waitFor(pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(output)) return;
          child.stdout.off("data", check);
          child.stderr.off("data", check);
          resolve();
        };
        child.stdout.on("data", check);
        child.stderr.on("data", check);
        void exited.then(() => reject(new Error(`process exited before printing ${pattern}; output:\n${output.slice(-3000)}`)));
        check();
      });
    },
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface ConsoleProcess extends RunningProcess {
  url: string;
}

/** `next start` against `databaseUrl`; builds the console first when its sources changed. */
export async function startConsole(options: {
  databaseUrl: string;
  dataDir: string;
  masterKey: string;
  port?: number;
  extraEnv?: Record<string, string>;
}): Promise<ConsoleProcess> {
  const port = options.port ?? (await findFreePort());
  const url = `http://127.0.0.1:${port}`;
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: "production" as const,
    DATABASE_URL: options.databaseUrl,
    NEXTAUTH_URL: url,
    NEXTAUTH_SECRET: "integration-test-session-secret",
    PORTCULLIS_DATA_DIR: options.dataDir,
    PORTCULLIS_MASTER_KEY: options.masterKey,
    NEXT_TELEMETRY_DISABLED: "1",
    ...options.extraEnv,
  };
  await buildConsoleIfNeeded(env);
  const proc = run([path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], env);
  await proc.waitFor(/Ready in/);
  return { ...proc, url };
}

export interface GatewayProcess extends RunningProcess {
  url: string;
  statusUrl: string;
}

/** A gateway that takes its configuration from the console at `cpUrl`. */
export async function startGateway(options: { cpUrl: string; token: string; dataDir: string; masterKey: string; extraEnv?: Record<string, string> }): Promise<GatewayProcess> {
  const [httpPort, httpsPort, statusPort] = await Promise.all([findFreePort(), findFreePort(), findFreePort()]);
  const gateway = run(["--import", "tsx", path.join(ROOT, "gateway/src/main.ts"), "--cp-url", options.cpUrl, "--host", "127.0.0.1"], {
    PATH: process.env.PATH,
    NODE_ENV: "production",
    PORTCULLIS_DP_TOKEN: options.token,
    PORTCULLIS_MASTER_KEY: options.masterKey,
    PORTCULLIS_DATA_DIR: options.dataDir,
    PORTCULLIS_HTTP_PORT: String(httpPort),
    PORTCULLIS_HTTPS_PORT: String(httpsPort),
    PORTCULLIS_STATUS_PORT: String(statusPort),
    ...options.extraEnv,
  });
  await gateway.waitFor(/gateway: listening/);
  return { ...gateway, url: `http://127.0.0.1:${httpPort}`, statusUrl: `http://127.0.0.1:${statusPort}/status` };
}
