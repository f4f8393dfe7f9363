// `npm run demo` and `npm run demo:verify` end to end, as a newcomer types them
// in a terminal: the demo on free ports with a throwaway data folder (the
// product started by the launcher, the stand-ins, the seeded recipe), the
// recipe's verification steps — the very functions demo:verify runs — against
// it, the verify command's exit codes, Ctrl-C stopping everything, and a second
// start on the same data folder.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDemoFacts, type DemoFacts } from "../demo/facts";
import { signInToConsole } from "../demo/console-session";
import { connectWithOAuth } from "../demo/headless-oauth";
import { waitForGateway } from "../demo/seed";
import { verifyDemo } from "../demo/verify";
import { findFreePort } from "../lib/net/ports";
import { createTestDatabase, type TestDatabase } from "./support/database";

const ROOT = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(ROOT, ".portcullis/test", `demo-${randomBytes(4).toString("hex")}`);
const PORT_VARIABLES = [
  "PORTCULLIS_CONSOLE_PORT",
  "PORTCULLIS_HTTP_PORT",
  "PORTCULLIS_HTTPS_PORT",
  "PORTCULLIS_STATUS_PORT",
  "PORTCULLIS_PG_PORT",
  "PORTCULLIS_DEMO_GITHUB_PORT",
  "PORTCULLIS_DEMO_KONNECT_PORT",
  "PORTCULLIS_DEMO_IDP_PORT",
  "PORTCULLIS_DEMO_REFERENCE_PORT",
];

let database: TestDatabase;
let env: NodeJS.ProcessEnv;
let ports: number[];

interface Cli {
  child: ChildProcess;
  output(): string;
  /** The exit code, or the signal that ended it (npm re-raises a Ctrl-C after its script stopped). */
  exited: Promise<number | NodeJS.Signals | null>;
}

/** `npm run <script>` in its own process group, like a command in a terminal, so a Ctrl-C can go to the whole group. */
function npmRun(script: string): Cli {
  const child = spawn("npm", ["run", "--silent", script], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output, exited: new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal))) };
}

function printed(cli: Cli, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!cli.output().includes(text)) return;
      cli.child.stdout!.off("data", check);
      resolve();
    };
    cli.child.stdout!.on("data", check);
    void cli.exited.then((code) => reject(new Error(`exited (${code}) before printing "${text}":\n${cli.output().slice(-4000)}`)));
    check();
  });
}

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });

let demoCli: Cli | undefined;

async function startDemoCli(): Promise<{ cli: Cli; facts: DemoFacts }> {
  const cli = (demoCli = npmRun("demo"));
  await printed(cli, "Stop:");
  return { cli, facts: readDemoFacts(dataDir) };
}

async function pressCtrlC(cli: Cli): Promise<number | NodeJS.Signals | null> {
  process.kill(-cli.child.pid!, "SIGINT");
  return cli.exited;
}

async function verifyFailures(facts: DemoFacts): Promise<string[]> {
  const results = await verifyDemo(facts);
  expect(results).toHaveLength(26);
  return results.filter((r) => r.status !== "passed").map((r) => `${r.status}: ${r.flow} / ${r.step}: ${r.detail}`);
}

beforeAll(async () => {
  database = await createTestDatabase();
  ports = await Promise.all(PORT_VARIABLES.map(() => findFreePort()));
  env = {
    NODE_ENV: "production",
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORTCULLIS_DEMO_DATA_DIR: dataDir,
    PORTCULLIS_DEMO_DATABASE_URL: database.url,
    ...Object.fromEntries(PORT_VARIABLES.map((name, i) => [name, String(ports[i])])),
  };
});

afterAll(async () => {
  // A test that failed half-way may leave the demo running.
  const running = demoCli && demoCli.child.exitCode === null && demoCli.child.signalCode === null ? demoCli : undefined;
  if (running) await pressCtrlC(running);
  await database?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("npm run demo, then npm run demo:verify", () => {
  let demo: { cli: Cli; facts: DemoFacts };

  it("starts the product and the stand-ins, seeds the recipe, and prints where to connect", async () => {
    demo = await startDemoCli();
    const out = demo.cli.output();
    expect(out).toContain("portcullis: ready");
    expect(out).toContain("seeded the recipe");
    expect(out).toContain(`${demo.facts.console_url}`);
    expect(out).toContain(`sign in as admin@portcullis.local / ${demo.facts.admin.password}`);
    expect(out).toContain(`http://localhost:${ports[1]}/github-mcp`);
    expect(out).toContain(`http://localhost:${ports[1]}/github-signin-mcp`);
    expect(out).toContain("header apikey: dev-api-key");
    expect(out).toContain(`http://localhost:${ports[1]}/konnect-mcp`);
    expect(out).toContain(`http://localhost:${ports[1]}/reference-mcp`);
    expect(out).toContain("all 62 tools");
  }, 300_000);

  it("passes every step of the recipe's verification: Sign in with Portcullis and passthrough (GitHub), token swap (Konnect), token exchange to a 2026-07-28 server", async () => {
    expect(await verifyFailures(demo.facts)).toEqual([]);
  }, 60_000);

  it("an MCP client that registers itself at the IdP (as VS Code does) reaches Konnect too", async () => {
    const { client } = await connectWithOAuth(demo.facts.konnect.mcp_url, { client: { redirectUri: "http://127.0.0.1:33418/" }, credentials: demo.facts.idp.user });
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("list_control_planes");
    await client.close();
  });

  it("demo:verify prints each step and exits 0", async () => {
    const verify = npmRun("demo:verify");
    expect(await verify.exited, verify.output()).toBe(0);
    expect(verify.output()).toContain("✓ push_files as developer (raw JSON-RPC) → -32602, and GitHub never sees it");
    expect(verify.output()).toContain("✓ GitHub saw dana@example.com's own GitHub token, never the Portcullis token");
    expect(verify.output()).toContain("All 26 checks passed.");
  }, 60_000);

  it("Ctrl-C stops the product and the stand-ins; demo:verify then says the demo is not running and exits 1", async () => {
    expect(await pressCtrlC(demo.cli)).toBe("SIGINT");
    expect(demo.cli.output()).toContain("portcullis: stopping");
    expect(demo.cli.output()).not.toContain("forcing shutdown");
    expect(await Promise.all(ports.filter((_, i) => PORT_VARIABLES[i] !== "PORTCULLIS_PG_PORT").map(portIsFree))).toEqual([true, true, true, true, true, true, true, true]);
    const verify = npmRun("demo:verify");
    expect(await verify.exited).toBe(1);
    expect(verify.output()).toContain("start one with `npm run demo`");
  }, 60_000);

  it("starts again on the same data folder: the configuration is already in place and the checks pass", async () => {
    demo = await startDemoCli();
    expect(demo.cli.output()).toContain("the recipe's configuration was already in place");
    expect(await verifyFailures(demo.facts)).toEqual([]);
  }, 300_000);

  it("notices when the recipe no longer holds: a developer allowed create_issue fails the GitHub flow, and demo:verify exits 1", async () => {
    const { facts } = demo;
    const admin = await signInToConsole(facts.console_url, facts.admin.email, facts.admin.password);
    const { servers } = (await admin.json<{ servers: { id: string; name: string }[] }>("GET", "/api/servers")).body;
    const github = servers.find((s) => s.name === "github")!;
    const acl = (await admin.json<{ version: number; matrix: { defaultRow: object } }>("GET", `/api/servers/${github.id}/acl`)).body;
    const saved = await admin.json("PUT", `/api/servers/${github.id}/acl`, {
      version: acl.version,
      defaultRow: acl.matrix.defaultRow,
      tools: { create_issue: { groups: { developer: "allow" }, others: "inherit" } },
    });
    expect(saved.status).toBe(200);
    const runtime = JSON.parse(fs.readFileSync(path.join(dataDir, "runtime.json"), "utf8")) as { status_url: string };
    await waitForGateway(admin, runtime.status_url);

    const results = await verifyDemo(facts);
    const passthrough = (r: { flow: string }) => r.flow.startsWith("GitHub MCP — passthrough");
    const github_ = results.filter(passthrough);
    expect(github_.map((r) => r.status)).toEqual(["passed", "passed", "passed", "passed", "failed", "skipped", "skipped", "skipped"]);
    expect(github_[4]!.detail).toContain("create_issue");
    expect(results.filter((r) => !passthrough(r)).every((r) => r.status === "passed")).toBe(true);
    const verify = npmRun("demo:verify");
    expect(await verify.exited).toBe(1);
    expect(verify.output()).toContain("✗ Reconnect with apikey: dev-api-key → exactly the 6 read tools");
    expect(verify.output()).toContain("22 of 26 checks passed.");
    expect(await pressCtrlC(demo.cli)).toBe("SIGINT");
  }, 120_000);
});
