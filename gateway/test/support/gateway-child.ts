// The gateway as its own process (gateway/src/main.ts with a config file), for
// what an in-process gateway cannot show: that an error escaping a stream
// kills the process (in the test runner it would only be reported), and the
// process's resident memory.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { ConfigMessage } from "../../../lib/core/controlplane/protocol";
import { findFreePort } from "../../../lib/net/ports";
import { lastKnownGoodFile, writeLastKnownGood } from "../../src/control-plane/last-known-good";

const ROOT = path.resolve(import.meta.dirname, "../../..");

export interface GatewayChild {
  url: string;
  /** Its data folder (audit log in logs/audit.jsonl, removed by stop()). */
  dataDir: string;
  statusUrl: string;
  child: ChildProcess;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Resident set size in bytes, from /proc. */
  rssBytes(): number;
  output(): string;
  /** SIGTERM (the audit log is flushed), then the data folder is removed unless kept. */
  stop(options?: { keepDataDir?: boolean }): Promise<void>;
}

export interface GatewayChildOptions {
  /** Extra environment (PORTCULLIS_MASTER_KEY, PORTCULLIS_CP_URL and PORTCULLIS_DP_TOKEN…). */
  env?: Record<string, string>;
  /** Instead of a config file: the document as the console's last-known-good copy (a gateway with a control plane boots from it). */
  lastKnownGood?: ConfigMessage;
}

export async function startGatewayChild(document: unknown, options: GatewayChildOptions = {}): Promise<GatewayChild> {
  const dir = path.join(ROOT, ".portcullis/test", `gateway-child-${randomBytes(4).toString("hex")}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "gateway.json");
  if (options.lastKnownGood) writeLastKnownGood(lastKnownGoodFile(dir), options.lastKnownGood);
  else fs.writeFileSync(file, JSON.stringify(document));
  const [httpPort, httpsPort, statusPort] = await Promise.all([findFreePort(), findFreePort(), findFreePort()]);
  const args = options.lastKnownGood ? [] : ["--config", file];
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "gateway/src/main.ts"), ...args], {
    cwd: ROOT,
    env: {
      NODE_ENV: "test",
      PATH: process.env.PATH,
      PORTCULLIS_HTTP_PORT: String(httpPort),
      PORTCULLIS_HTTPS_PORT: String(httpsPort),
      PORTCULLIS_STATUS_PORT: String(statusPort),
      PORTCULLIS_DATA_DIR: dir,
      PORTCULLIS_HOST: "127.0.0.1",
      ...options.env,
    },
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  const started = await new Promise<boolean>((resolve) => {
    child.stdout.on("data", () => /gateway: listening/.test(output) && resolve(true));
    void exit.then(() => resolve(false));
  });
  if (!started) throw new Error(`gateway process did not start:\n${output}`);
  return {
    url: `http://127.0.0.1:${httpPort}`,
    dataDir: dir,
    statusUrl: `http://127.0.0.1:${statusPort}`,
    child,
    alive: () => !exited,
    rssBytes() {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
    },
    output: () => output,
    async stop(options: { keepDataDir?: boolean } = {}) {
      if (!exited) {
        child.kill("SIGTERM");
        await exit;
      }
      if (!options.keepDataDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
