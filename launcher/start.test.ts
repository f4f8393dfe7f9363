// `npm start`'s refusals: one clear line on stderr, a non-zero exit, no stack trace.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findFreePort } from "../lib/net/ports";
import { removeDataFolder } from "./database/embedded-postgres-root";

const ROOT = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(ROOT, ".portcullis/test", `launcher-${randomBytes(4).toString("hex")}`);
afterAll(() => removeDataFolder(dataDir));

async function launch(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const ports = await Promise.all(Array.from({ length: 5 }, () => findFreePort()));
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "launcher/start.ts")], {
    cwd: ROOT,
    env: {
      NODE_ENV: "test",
      PATH: process.env.PATH,
      PORTCULLIS_DATA_DIR: dataDir,
      PORTCULLIS_CONSOLE_PORT: String(ports[0]),
      PORTCULLIS_HTTP_PORT: String(ports[1]),
      PORTCULLIS_HTTPS_PORT: String(ports[2]),
      PORTCULLIS_STATUS_PORT: String(ports[3]),
      PORTCULLIS_PG_PORT: String(ports[4]),
      ...env,
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, stderr, stdout };
}

function expectOneLine(result: { code: number | null; stderr: string }, message: string | RegExp) {
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe("npm start refuses bad input with one clear line", () => {
  it("a malformed DATABASE_URL", async () => {
    expectOneLine(await launch({ DATABASE_URL: "mysql//nope" }), "portcullis: DATABASE_URL is not a valid URL; expected postgresql://user:password@host:5432/database");
    expectOneLine(await launch({ DATABASE_URL: "mysql://u:p@h/db" }), "portcullis: DATABASE_URL must start with postgresql:// (got mysql://)");
  });

  it("a database server that refuses the connection, without repeating the password", async () => {
    const port = await findFreePort();
    const result = await launch({ DATABASE_URL: `postgresql://me:s3cret-pw@127.0.0.1:${port}/portcullis` });
    expectOneLine(result, `portcullis: Cannot use the database at 127.0.0.1:${port}/portcullis (DATABASE_URL): connection refused (is PostgreSQL running there?)`);
    expect(result.stderr + result.stdout).not.toContain("s3cret-pw");
  });

  it("a taken port, naming the port and the variable that moves it", async () => {
    const port = await findFreePort();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, "0.0.0.0", resolve));
    try {
      expectOneLine(
        await launch({ PORTCULLIS_CONSOLE_PORT: String(port) }),
        `portcullis: Port ${port} (0.0.0.0) is already in use, so the console cannot start. Free it or choose another port with PORTCULLIS_CONSOLE_PORT.`,
      );
    } finally {
      blocker.close();
    }
  });

  it("a corrupt data folder", async () => {
    fs.mkdirSync(path.join(dataDir, "pgdata"), { recursive: true });
    fs.writeFileSync(path.join(dataDir, "pgdata", "PG_VERSION"), "garbage");
    expectOneLine(await launch({}), /^portcullis: The database folder .*pgdata is not a usable PostgreSQL data folder \(PG_VERSION holds "garbage"\)/);
  });

  it("an invalid variable", async () => {
    expectOneLine(await launch({ PORTCULLIS_HTTP_PORT: "eighty" }), /^portcullis: Invalid environment: PORTCULLIS_HTTP_PORT /);
  });
});
