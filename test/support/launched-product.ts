// The product as `npm start` runs it — launcher, embedded PostgreSQL, console
// and gateway under its supervision — on free ports with a throwaway data
// folder, for tests that kill its processes. The pids come from the
// launcher's supervision report.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { removeDataFolder } from "../../launcher/database/embedded-postgres-root";
import { readSupervisionState, type SupervisedName, type SupervisedProcessState } from "../../lib/core/supervision/state";
import { findFreePort } from "../../lib/net/ports";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface LaunchedProduct {
  dataDir: string;
  consoleUrl: string;
  gatewayUrl: string;
  statusUrl: string;
  databaseUrl: string;
  admin: { email: string; password: string };
  output(): string;
  /** Resolves when the launcher's output (from `from` on, default everything) matches `pattern`. */
  waitForOutput(pattern: RegExp, from?: number): Promise<void>;
  /** The supervised process's state now (throws without a report). */
  process(name: SupervisedName): Promise<SupervisedProcessState>;
  /** Polls the report every 50 ms until `check` holds for the process. */
  waitForProcess(name: SupervisedName, check: (state: SupervisedProcessState) => boolean, timeoutMs?: number): Promise<SupervisedProcessState>;
  /** SIGKILL to the process's pid, as the out-of-memory killer would. */
  kill(name: SupervisedName): Promise<number>;
  /** SIGTERM to the launcher; resolves with its exit code. */
  stop(): Promise<number | null>;
  launcher: ChildProcess;
}

export async function launchProduct(extraEnv: Record<string, string> = {}): Promise<LaunchedProduct> {
  const dataDir = path.join(ROOT, ".portcullis/test", `launched-${randomBytes(4).toString("hex")}`);
  const [consolePort, httpPort, httpsPort, statusPort, pgPort] = await Promise.all(Array.from({ length: 5 }, () => findFreePort()));
  const admin = { email: "faults-admin@example.com", password: randomBytes(12).toString("base64url") };
  const launcher = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "launcher/start.ts")], {
    cwd: ROOT,
    env: {
      NODE_ENV: "production",
      PATH: process.env.PATH,
      PORTCULLIS_DATA_DIR: dataDir,
      PORTCULLIS_CONSOLE_PORT: String(consolePort),
      PORTCULLIS_HTTP_PORT: String(httpPort),
      PORTCULLIS_HTTPS_PORT: String(httpsPort),
      PORTCULLIS_STATUS_PORT: String(statusPort),
      PORTCULLIS_PG_PORT: String(pgPort),
      PORTCULLIS_ADMIN_EMAIL: admin.email,
      PORTCULLIS_ADMIN_PASSWORD: admin.password,
      NEXTAUTH_URL: `http://127.0.0.1:${consolePort}`,
      NEXT_TELEMETRY_DISABLED: "1",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  launcher.stdout.on("data", onData);
  launcher.stderr.on("data", onData);
  const exited = new Promise<number | null>((resolve) => launcher.once("exit", (code) => resolve(code)));

  const waitForOutput = (pattern: RegExp, from = 0) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(output.slice(from))) return;
        listeners.delete(check);
        resolve();
      };
      listeners.add(check);
      void exited.then((code) => reject(new Error(`the launcher exited (${code}) before printing ${pattern}; its output:\n${output.slice(-4000)}`)));
      check();
    });

  const processState = async (name: SupervisedName) => {
    const state = await readSupervisionState(dataDir);
    const found = state?.processes.find((p) => p.name === name);
    if (!found) throw new Error(`no supervision state for ${name}`);
    return found;
  };

  const waitForProcess = async (name: SupervisedName, check: (state: SupervisedProcessState) => boolean, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await processState(name).catch(() => undefined);
      if (state && check(state)) return state;
      if (Date.now() > deadline) throw new Error(`${name} did not reach the expected state within ${timeoutMs} ms; last: ${JSON.stringify(state)}`);
      // The report is a file the launcher rewrites; nothing announces a change to another process.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  await waitForOutput(/portcullis: ready/);
  const runtime = JSON.parse(fs.readFileSync(path.join(dataDir, "runtime.json"), "utf8")) as { database_url: string; status_url: string };
  return {
    dataDir,
    consoleUrl: `http://127.0.0.1:${consolePort}`,
    gatewayUrl: `http://127.0.0.1:${httpPort}`,
    statusUrl: runtime.status_url,
    databaseUrl: runtime.database_url,
    admin,
    output: () => output,
    waitForOutput,
    process: processState,
    waitForProcess,
    async kill(name) {
      const { pid } = await waitForProcess(name, (p) => p.state === "running" && p.pid !== null);
      process.kill(pid!, "SIGKILL");
      return pid!;
    },
    async stop() {
      if (launcher.exitCode === null && launcher.signalCode === null) launcher.kill("SIGTERM");
      const code = await exited;
      removeDataFolder(dataDir);
      return code;
    },
    launcher,
  };
}
