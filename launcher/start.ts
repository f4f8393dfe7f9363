// `npm start`: database (embedded unless DATABASE_URL is set) → migrations →
// first admin → console build when needed → console and gateway processes.
// Each of the three processes is supervised: one that dies is started again
// with backoff (launcher/supervision), the others keep running. Only Ctrl-C
// or SIGTERM stops everything, in reverse order; a second Ctrl-C forces.
import fs from "node:fs";
import path from "node:path";
import { parseTrustedProxies } from "../lib/auth/client-address";
import { seedFirstAdmin } from "../lib/auth/first-admin";
import { readSsoSettings } from "../lib/auth/sso";
import { createDb } from "../lib/db/client";
import { applyMigrations } from "../lib/db/migrate";
import { openDatabase } from "./database/open-database";
import { ensureBundledDataPlane } from "../lib/controlplane/data-planes";
import { publishConfigVersion } from "../lib/controlplane/versions";
import { describeError } from "../lib/core/errors";
import { assertPortFree } from "../lib/net/ports";
import { buildConsoleIfNeeded, PROJECT_ROOT } from "./console-build";
import { buildGatewayIfNeeded, GATEWAY_NODE_FLAGS } from "./gateway-build";
import { startProcess, waitForLine, type ManagedProcess } from "./processes";
import { createSupervisionReport } from "./supervision/supervision-report";
import { Supervisor, type Incarnation } from "./supervision/supervisor";
import { loadOrCreateSecret, readSecret, writeSecret } from "./secrets";
import { onInterrupt } from "./interrupts";
import { readSettings } from "./settings";

const say = (line: string) => process.stdout.write(`portcullis: ${line}\n`);

async function main() {
  const settings = readSettings(process.env);
  // The console reads these itself; checked here so a mistake stops the start with one clear line.
  const sso = readSsoSettings(process.env);
  parseTrustedProxies(process.env.PORTCULLIS_TRUSTED_PROXIES);
  fs.mkdirSync(settings.dataDir, { recursive: true });
  const ports: [number, string, string][] = [
    [settings.PORTCULLIS_CONSOLE_PORT, "PORTCULLIS_CONSOLE_PORT", "the console"],
    [settings.PORTCULLIS_HTTP_PORT, "PORTCULLIS_HTTP_PORT", "the gateway (HTTP)"],
    [settings.PORTCULLIS_HTTPS_PORT, "PORTCULLIS_HTTPS_PORT", "the gateway (HTTPS)"],
  ];
  for (const [port, variable, what] of ports) await assertPortFree(port, "0.0.0.0", variable, what);
  await assertPortFree(settings.PORTCULLIS_STATUS_PORT, "127.0.0.1", "PORTCULLIS_STATUS_PORT", "the gateway status endpoint");

  const database = await openDatabase({ databaseUrl: settings.DATABASE_URL, dataDir: settings.dataDir, pgPort: settings.PORTCULLIS_PG_PORT });
  say(
    database.embedded
      ? `embedded PostgreSQL on 127.0.0.1:${settings.PORTCULLIS_PG_PORT} (${database.note ?? `data in ${database.dataDir}`})`
      : "using the database from DATABASE_URL",
  );
  const report = createSupervisionReport(settings.dataDir);
  const supervise = (name: "database" | "console" | "gateway", launch: (restart: number) => Promise<Incarnation>) => new Supervisor(name, { launch, say, report });
  const server = database.server;
  const databaseSupervisor =
    server && database.restart
      ? supervise("database", async (restarts) => {
          const running = restarts === 0 ? server : await database.restart!();
          return { pid: running.pid, exited: running.exited, stop: (force) => database.stop(force ? "immediate" : "fast") };
        })
      : undefined;
  await databaseSupervisor?.start();
  const children: Supervisor[] = [];
  let stopping = false;
  const shutdown = async (force: boolean, code: number) => {
    if (stopping && !force) return;
    stopping = true;
    say(force ? "forcing shutdown" : "stopping… (press Ctrl-C again to force)");
    await Promise.all(children.map((child) => child.stop(force)));
    if (databaseSupervisor) await databaseSupervisor.stop(force);
    else await database.stop(force ? "immediate" : "fast");
    process.exit(code);
  };
  onInterrupt((force, code) => void shutdown(force, code));

  try {
    const migrated = await applyMigrations(database.url);
    if (migrated.applied.length) say(`applied ${migrated.applied.length} migration(s)`);
    const db = createDb(database.url);
    const admin = await seedFirstAdmin(db, { email: settings.PORTCULLIS_ADMIN_EMAIL, password: settings.PORTCULLIS_ADMIN_PASSWORD });
    // The gateway always finds a current version, even before the first console change.
    await publishConfigVersion(db, { reason: "startup" });
    const dataPlaneToken = await ensureBundledDataPlane(
      db,
      () => readSecret(settings.dataDir, "dp-token"),
      (token) => writeSecret(settings.dataDir, "dp-token", token),
    );
    await db.$disconnect();
    if (admin?.generatedPassword) {
      say(`created the first admin: ${admin.email} / ${admin.generatedPassword}  (shown once; change it after signing in)`);
    } else if (admin) say(`created the first admin: ${admin.email}`);

    const consoleUrl = settings.NEXTAUTH_URL ?? `http://localhost:${settings.PORTCULLIS_CONSOLE_PORT}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: database.url,
      NEXTAUTH_URL: consoleUrl,
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? loadOrCreateSecret(settings.dataDir, "nextauth-secret"),
      PORTCULLIS_DATA_DIR: settings.dataDir,
      PORTCULLIS_HTTP_PORT: String(settings.PORTCULLIS_HTTP_PORT),
      PORTCULLIS_HTTPS_PORT: String(settings.PORTCULLIS_HTTPS_PORT),
      PORTCULLIS_STATUS_PORT: String(settings.PORTCULLIS_STATUS_PORT),
    };
    await buildConsoleIfNeeded(env, () => say("building the console (first start or changed sources; this takes a minute or two)…"));
    // Before either process starts: a console that became ready while the bundle was still building would print its
    // "Ready" line before anyone listened for it.
    const gatewayBundle = await buildGatewayIfNeeded();
    if (stopping) return;

    const next = path.join(PROJECT_ROOT, "node_modules/next/dist/bin/next");
    // The bundled gateway is a data plane like any other: it connects out to this console.
    const { DATABASE_URL: _db, NEXTAUTH_SECRET: _secret, ...shared } = env;
    const gatewayEnv = { ...shared, PORTCULLIS_CP_URL: `http://127.0.0.1:${settings.PORTCULLIS_CONSOLE_PORT}`, PORTCULLIS_DP_TOKEN: dataPlaneToken };
    const first: Partial<Record<"console" | "gateway", ManagedProcess>> = {};
    const superviseProcess = (name: "console" | "gateway", args: string[], processEnv: NodeJS.ProcessEnv) =>
      supervise(name, async (restarts) => {
        const proc = startProcess(name, process.execPath, args, { env: processEnv, cwd: PROJECT_ROOT });
        if (restarts === 0) first[name] = proc;
        return { pid: proc.child.pid ?? null, exited: proc.exited, stop: (force) => proc.stop(force) };
      });
    children.push(
      superviseProcess("console", [next, "start", "-p", String(settings.PORTCULLIS_CONSOLE_PORT)], env),
      superviseProcess("gateway", [...GATEWAY_NODE_FLAGS, gatewayBundle], gatewayEnv),
    );
    await Promise.all(children.map((child) => child.start()));
    await Promise.all([waitForLine(first.console!, /Ready in/, 60_000), waitForLine(first.gateway!, /gateway: listening/, 30_000)]);

    // For tools and tests that drive the running product; holds the database URL, so owner-only.
    const runtimeFile = path.join(settings.dataDir, "runtime.json");
    fs.writeFileSync(
      runtimeFile,
      JSON.stringify({
        console_url: consoleUrl,
        gateway_http_url: `http://localhost:${settings.PORTCULLIS_HTTP_PORT}`,
        gateway_https_url: `https://localhost:${settings.PORTCULLIS_HTTPS_PORT}`,
        status_url: `http://127.0.0.1:${settings.PORTCULLIS_STATUS_PORT}/status`,
        database_url: database.url,
      }),
      { mode: 0o600 },
    );
    say(`console  ${consoleUrl}${sso ? `  (single sign-on with ${sso.issuer})` : ""}`);
    say(
      `gateway  http://localhost:${settings.PORTCULLIS_HTTP_PORT}  https://localhost:${settings.PORTCULLIS_HTTPS_PORT}  status http://127.0.0.1:${settings.PORTCULLIS_STATUS_PORT}/status`,
    );
    say("ready — press Ctrl-C to stop");
  } catch (error) {
    if (stopping) return;
    console.error(`portcullis: ${describeError(error)}`);
    await shutdown(false, 1);
  }
}

main().catch((error) => {
  console.error(`portcullis: ${describeError(error)}`);
  process.exit(1);
});
