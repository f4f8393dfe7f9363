import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../lib/net/ports";
import { startEmbeddedPostgres } from "./embedded-postgres";

const base = path.resolve(".portcullis/test", `embedded-${randomBytes(4).toString("hex")}`);
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("embedded PostgreSQL", () => {
  it("keeps its data across a restart and across a crash of the server", async () => {
    const dataDir = path.join(base, "persist");
    const first = await startEmbeddedPostgres({ dataDir, port: await findFreePort() });
    await query(first.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before restart')");
    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir, port: await findFreePort() });
    expect(await query(second.url, "SELECT v FROM kept")).toEqual([{ v: "before restart" }]);
    await query(second.url, "INSERT INTO kept VALUES ('before crash')");
    // A crash: the server dies without a shutdown checkpoint, leaving postmaster.pid behind.
    const pid = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(pid, "SIGKILL");
    await second.stop();

    const third = await startEmbeddedPostgres({ dataDir, port: await findFreePort() });
    expect(await query(third.url, "SELECT v FROM kept ORDER BY v")).toEqual([{ v: "before crash" }, { v: "before restart" }]);
    await third.stop();
  });

  it("names the port and the variable when the port is taken", async () => {
    const blocker = net.createServer();
    const port = await findFreePort();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      await expect(startEmbeddedPostgres({ dataDir: path.join(base, "port"), port, portVariable: "PORTCULLIS_PG_PORT" })).rejects.toThrow(
        `Port ${port} (127.0.0.1) is already in use, so the embedded PostgreSQL cannot start. Free it or choose another port with PORTCULLIS_PG_PORT.`,
      );
    } finally {
      blocker.close();
    }
  });

  it("refuses a data folder that is not a PostgreSQL cluster, without touching it", async () => {
    const dataDir = path.join(base, "corrupt");
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, "notes.txt"), "not a database");
    await expect(startEmbeddedPostgres({ dataDir, port: await findFreePort() })).rejects.toThrow(
      `The database folder ${dataDir} is not a usable PostgreSQL data folder (PG_VERSION is missing)`,
    );
    expect(fs.readdirSync(dataDir)).toEqual(["notes.txt"]);
  });

  it("reports a damaged cluster file as corrupt rather than crashing", async () => {
    const dataDir = path.join(base, "damaged");
    const server = await startEmbeddedPostgres({ dataDir, port: await findFreePort() });
    await server.stop();
    const control = path.join(dataDir, "global", "pg_control");
    const owner = fs.statSync(control);
    fs.writeFileSync(control, randomBytes(64));
    fs.chownSync(control, owner.uid, owner.gid);
    await expect(startEmbeddedPostgres({ dataDir, port: await findFreePort() })).rejects.toThrow(/is not a usable PostgreSQL data folder/);
  });
});
