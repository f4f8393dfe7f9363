// The embedded PostgreSQL when the launcher runs as root. PostgreSQL refuses to
// run as root, so it runs as an unprivileged user, and that user cannot pass a
// private project folder such as /root/portcullis (mode 0700): neither the npm
// package's binaries nor the data folder inside it. Then the binaries are
// copied, and the data kept, under /var/lib/portcullis, where that user can
// reach them; when even that fails, one line says why and the ways out.
//
// The data folder becomes a symbolic link to its stand-in, so the project
// still says where its data is, and deleting the data folder (link and
// password file) starts from scratch as it does for everyone else: the next
// start makes a new stand-in rather than finding the old one.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { UserFacingError } from "../../lib/core/errors";

export interface ServerUser {
  name: string;
  uid: number;
  gid: number;
}

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  pg_ctl: string;
}

export interface Placement {
  binaries: PostgresBinaries;
  dataDir: string;
  /** What to delete with a throwaway data folder: the stand-in's own folder when the data moved. */
  dataRoot: string;
  /** Where the server runs and why, when that is not where it was asked to run. */
  note?: string;
}

export const REACHABLE_HOME = "/var/lib/portcullis";

/** The user PostgreSQL runs as: none unless we are root. */
export function serverUser(): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ["postgres", "portcullis-pg"]) {
    try {
      const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
      const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
      return { name, uid, gid };
    } catch {
      // try the next name
    }
  }
  try {
    execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "portcullis-pg"]);
  } catch (error) {
    throw new UserFacingError(
      `Running as root, and no unprivileged user exists to run PostgreSQL as (useradd failed: ${(error as Error).message}). Run as a normal user or set DATABASE_URL.`,
      "EMBEDDED_PG_NO_USER",
    );
  }
  return serverUser();
}

export function chownTree(dir: string, owner: ServerUser): void {
  fs.chownSync(dir, owner.uid, owner.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(full, owner);
    else fs.chownSync(full, owner.uid, owner.gid);
  }
}

// test(1) run as that user: the kernel's own answer (ACLs and all), with the same
// groups the server gets (a process started with a uid keeps no extra groups).
function canSearch(user: ServerUser, dir: string): boolean {
  return spawnSync("test", ["-x", dir], { uid: user.uid, gid: user.gid, cwd: "/", stdio: "ignore" }).status === 0;
}

/** The outermost folder on the way to (and including) `dir` that `user` cannot pass. */
function blockingFolder(user: ServerUser, dir: string): string | undefined {
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  for (let depth = 0; depth <= parts.length; depth++) {
    const folder = path.join(path.sep, ...parts.slice(0, depth));
    if (!canSearch(user, folder)) return folder;
  }
  return undefined;
}

function describeFolder(folder: string): string {
  return `${folder} (mode ${(fs.statSync(folder).mode & 0o777).toString(8).padStart(4, "0")})`;
}

// Shared by every project on the machine that uses the same package version; a
// private copy renamed into place, so a second start never sees half of it.
function copyBinaries(binaries: PostgresBinaries, home: string): PostgresBinaries {
  // The real folder: a copy of a symbolic link to it would still point into the private folder.
  const nativeDir = fs.realpathSync(path.resolve(path.dirname(binaries.postgres), ".."));
  const { version } = JSON.parse(fs.readFileSync(path.join(nativeDir, "..", "package.json"), "utf8")) as { version: string };
  const target = path.join(home, `postgresql-${version}`);
  if (!fs.existsSync(target)) {
    const staging = fs.mkdtempSync(`${target}.partial-`);
    fs.cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(staging, 0o755);
    try {
      fs.renameSync(staging, target);
    } catch (error) {
      fs.rmSync(staging, { recursive: true, force: true });
      if (!fs.existsSync(target)) throw error;
    }
  }
  const bin = (name: string) => path.join(target, "bin", name);
  return { initdb: bin("initdb"), postgres: bin("postgres"), pg_ctl: bin("pg_ctl") };
}

/** The stand-in the data folder links to, made (with the link) on first start. */
function standInDataDir(dataDir: string, home: string, user: ServerUser): string {
  const entry = fs.lstatSync(dataDir, { throwIfNoEntry: false });
  if (entry && !entry.isSymbolicLink()) throw new Error(`${dataDir} already holds a data folder, which is not moved`);
  const target = entry ? path.resolve(path.dirname(dataDir), fs.readlinkSync(dataDir)) : path.join(home, randomBytes(8).toString("hex"), "pgdata");
  // Only a folder made here is handed to the server's user, never one a link happens to name.
  if (!fs.existsSync(path.dirname(target))) {
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    fs.chownSync(path.dirname(target), user.uid, user.gid);
  }
  if (!entry) fs.symlinkSync(target, dataDir);
  return target;
}

export function placeForServerUser(binaries: PostgresBinaries, dataDir: string, user: ServerUser, home = REACHABLE_HOME): Placement {
  const blockedBinaries = blockingFolder(user, path.dirname(binaries.postgres));
  const blockedData = blockingFolder(user, path.dirname(dataDir));
  const blocked = blockedData ?? blockedBinaries;
  if (!blocked) return { binaries, dataDir, dataRoot: dataDir };
  const reason = `the user ${user.name}, which PostgreSQL runs as, cannot reach ${describeFolder(blocked)}`;
  try {
    // Every user must pass it; the folders inside keep their own modes.
    if (fs.mkdirSync(home, { recursive: true })) fs.chmodSync(home, 0o755);
    const blockedHome = blockingFolder(user, home);
    if (blockedHome) throw new Error(`${user.name} cannot reach ${describeFolder(blockedHome)} either`);
    const placedData = blockedData ? standInDataDir(dataDir, home, user) : dataDir;
    const placed = {
      binaries: blockedBinaries ? copyBinaries(binaries, home) : binaries,
      dataDir: placedData,
      dataRoot: blockedData ? path.dirname(placedData) : dataDir,
    };
    return { ...placed, note: `${reason}, so the server runs from ${path.dirname(path.dirname(placed.binaries.postgres))} with its data in ${placed.dataDir}` };
  } catch (error) {
    throw new UserFacingError(
      `Running as root, ${reason}, and ${home} could not take its place (${(error as Error).message}). Run as a normal user, move the project to a folder ${user.name} can reach, or set DATABASE_URL to use another PostgreSQL server.`,
      "EMBEDDED_PG_UNREACHABLE",
    );
  }
}

/** Deletes a data folder and, when its pgdata links to a stand-in made here, that stand-in too (tests' throwaway folders). */
export function removeDataFolder(dataFolder: string, home = REACHABLE_HOME): void {
  const link = path.join(dataFolder, "pgdata");
  if (fs.lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) {
    const standIn = path.dirname(path.resolve(dataFolder, fs.readlinkSync(link)));
    if (path.dirname(standIn) === home) fs.rmSync(standIn, { recursive: true, force: true });
  }
  fs.rmSync(dataFolder, { recursive: true, force: true });
}
