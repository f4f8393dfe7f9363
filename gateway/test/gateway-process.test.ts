// `npm run gateway` as a real process: a bad file refused at start, SIGHUP
// reloads (a bad new file keeps the old one serving), the status and metrics
// listener, HTTPS with a generated certificate, the audit log file, an error
// escaping every handler (logged, the process serves on), and the launcher's
// no-config start.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { findFreePort } from "../../lib/net/ports";
import { startRecordingUpstream, type RecordingUpstream } from "./support/recording-upstream";

const ROOT = path.resolve(import.meta.dirname, "../..");
const baseDir = path.join(ROOT, ".portcullis/test", `gateway-${randomBytes(4).toString("hex")}`);
afterAll(() => fs.rmSync(baseDir, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  http: string;
  httpsPort: number;
  status: string;
  dataDir: string;
  output: () => string;
  stop(): Promise<void>;
}

async function launch(args: string[], dataDir: string, nodeArgs: string[] = []): Promise<Running | { code: number | null; stderr: string; stdout: string }> {
  const [httpPort, httpsPort, statusPort] = await Promise.all([findFreePort(), findFreePort(), findFreePort()]);
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", path.join(ROOT, "gateway/src/main.ts"), ...args], {
    cwd: ROOT,
    env: {
      NODE_ENV: "test",
      PATH: process.env.PATH,
      PORTCULLIS_HTTP_PORT: String(httpPort),
      PORTCULLIS_HTTPS_PORT: String(httpsPort),
      PORTCULLIS_STATUS_PORT: String(statusPort),
      PORTCULLIS_DATA_DIR: dataDir,
      PORTCULLIS_HOST: "127.0.0.1",
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const outcome = await new Promise<"listening" | number | null>((resolve) => {
    child.stdout.on("data", () => /gateway: listening/.test(stdout) && resolve("listening"));
    child.once("exit", (code) => resolve(code));
  });
  if (outcome !== "listening") return { code: outcome, stderr, stdout };
  return {
    child,
    http: `http://127.0.0.1:${httpPort}`,
    httpsPort,
    status: `http://127.0.0.1:${statusPort}`,
    dataDir,
    output: () => stdout + stderr,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

function document(upstreamUrl: string, keys: { key: string }[] = [{ key: "admin-api-key" }]) {
  return {
    version: 1,
    consumer_groups: [{ name: "admin" }],
    consumers: [{ username: "admin-user", groups: ["admin"], keys }],
    servers: [{ name: "upstream", path: "/up", upstream: upstreamUrl, auth: { mode: "passthrough" } }],
  };
}

/** Resolves once the process has logged `pattern` (its log is one JSON object a line). */
function logged(running: Running, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (pattern.test(running.output())) {
        running.child.stdout!.off("data", check);
        resolve();
      }
    };
    running.child.stdout!.on("data", check);
    check();
  });
}

describe("the gateway process", () => {
  let upstream: RecordingUpstream;
  afterAll(async () => upstream?.close());

  it("refuses a bad file at start, listing every problem by path", async () => {
    const dir = path.join(baseDir, "bad");
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "gateway.yaml");
    fs.writeFileSync(
      file,
      stringify({
        ...document("not a url"),
        servers: [{ name: "x", path: "x", upstream: "nope", auth: { mode: "passthrough" }, acl: { tools: [{ name: "t", allow: "admin" }] } }],
      }),
    );
    const result = await launch(["--config", file], dir);
    expect("code" in result && result.code).toBe(1);
    if (!("code" in result)) return;
    expect(result.stderr).toContain(`gateway: ${file} has 3 problem(s); not starting:`);
    expect(result.stderr).toContain("  servers[0].path: a route path starts with '/'");
    expect(result.stderr).toContain("  servers[0].upstream: expected an http(s) URL");
    expect(result.stderr).toMatch(/ {2}servers\[0\]\.acl\.tools\[0\]\.allow: .*expected array/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).not.toContain("listening");
  });

  it("serves a file, reloads it on SIGHUP, and keeps serving the old one when the new one is bad", async () => {
    upstream = await startRecordingUpstream();
    const dir = path.join(baseDir, "reload");
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "gateway.yaml");
    fs.writeFileSync(file, stringify(document(upstream.url)));
    const running = (await launch(["--config", file], dir)) as Running;
    try {
      const send = (key: string) =>
        fetch(`${running.http}/up`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer t", apikey: key },
          body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
        });
      expect((await send("admin-api-key")).status).toBe(200);
      const first = await (await fetch(`${running.status}/status`)).json();
      expect(first).toMatchObject({
        ready: true,
        config: { version: 1, hash: expect.stringMatching(/^sha256:/) },
        routes: [{ name: "upstream", ok: true }],
        audit: { dropped: 0 },
      });

      fs.writeFileSync(file, stringify(document(upstream.url, [{ key: "rotated-api-key" }])));
      running.child.kill("SIGHUP");
      await logged(running, /configuration reloaded/);
      expect((await send("admin-api-key")).status).toBe(403);
      expect((await send("rotated-api-key")).status).toBe(200);
      const second = await (await fetch(`${running.status}/status`)).json();
      expect(second.config.version).toBe(2);
      expect(second.config.hash).not.toBe(first.config.hash);

      fs.writeFileSync(file, "version: 1\nservers: [{ name: broken }]\n");
      running.child.kill("SIGHUP");
      await logged(running, /configuration rejected/);
      expect((await send("rotated-api-key")).status).toBe(200);
      const third = await (await fetch(`${running.status}/status`)).json();
      expect(third.config.version).toBe(2);
      expect(third.last_rejected_config.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^servers\[0\]\.path: /)]));
      expect(JSON.stringify(third)).not.toContain("rotated-api-key");

      const metrics = await (await fetch(`${running.status}/metrics`)).text();
      expect(metrics).toContain('portcullis_requests_total{server="upstream",method="ping",tool="",decision="allow",status="200"} 3');
      expect(metrics).toContain("portcullis_config_version 2");
    } finally {
      await running.stop();
    }
    // Stopping flushes the audit log: one JSON line per request, keys never in it.
    const lines = fs
      .readFileSync(path.join(dir, "logs", "audit.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.status)).toEqual([200, 403, 200, 200]);
    expect(fs.readFileSync(path.join(dir, "logs", "audit.jsonl"), "utf8")).not.toMatch(/admin-api-key|rotated-api-key/);
  });

  it("logs an error that escapes every handler at error level and keeps serving", async () => {
    upstream ??= await startRecordingUpstream();
    const dir = path.join(baseDir, "escaped");
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "gateway.yaml");
    fs.writeFileSync(file, stringify(document(upstream.url)));
    // Stands in for a bug: a signal handler that throws and leaves a rejected promise behind.
    const bug = 'process.on("SIGUSR2", () => { Promise.reject(new Error("escaped-rejection")); throw new Error("escaped-bug"); });';
    const running = (await launch(["--config", file], dir, ["--import", `data:text/javascript,${encodeURIComponent(bug)}`])) as Running;
    try {
      running.child.kill("SIGUSR2");
      await logged(running, /unhandled rejection; still serving/);
      await logged(running, /uncaught exception; still serving/);
      const lines = running
        .output()
        .split("\n")
        .filter((l) => l.includes("still serving"))
        .map((l) => JSON.parse(l));
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ level: 50, error: expect.stringContaining("escaped-bug") }),
          expect.objectContaining({ level: 50, error: expect.stringContaining("escaped-rejection") }),
        ]),
      );
      const ping = await fetch(`${running.http}/up`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer t", apikey: "admin-api-key" },
        body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
      });
      expect(ping.status).toBe(200);
      expect(running.child.exitCode).toBeNull();
    } finally {
      await running.stop();
    }
  });

  it("starts without a configuration as the launcher runs it: not ready, proxy answers 503, HTTPS with a generated certificate", async () => {
    const dir = path.join(baseDir, "empty");
    const running = (await launch([], dir)) as Running;
    try {
      const status = await fetch(`${running.status}/status`);
      expect(status.status).toBe(503);
      expect(await status.json()).toMatchObject({ ready: false, reason: "no configuration loaded", config: null });
      const proxied = await fetch(`${running.http}/anything`, { method: "POST" });
      expect(proxied.status).toBe(503);
      expect(await proxied.json()).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32603, message: "The gateway has no configuration yet" } });
      const cert = fs.readFileSync(path.join(dir, "tls", "gateway.crt"));
      const secure = await new Promise<number>((resolve, reject) =>
        https.get({ host: "127.0.0.1", port: running.httpsPort, path: "/x", ca: cert, servername: "localhost" }, (res) => resolve(res.statusCode!)).on("error", reject),
      );
      expect(secure).toBe(503);
    } finally {
      await running.stop();
    }
  });
});
