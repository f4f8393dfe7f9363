// The gateway process: proxy listeners (HTTP and HTTPS), the status listener,
// and where configuration and audit events come from and go: a declarative
// file (read at start, re-read on SIGHUP) with a JSON-lines audit log, or the
// console's control plane (config pushed live, audit events shipped back).
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type net from "node:net";
import { pino } from "pino";
import { loadMasterKey } from "../../lib/core/vault/secret-box";
import { JsonLinesAuditSink, type AuditSink } from "./audit/audit-sink";
import { OptionsError, readOptions, USAGE, type GatewayOptions } from "./cli/options";
import { createFileReloader } from "./config/file-reloader";
import { readConfigFile } from "./config/read-config-file";
import { ShippingAuditSink } from "./control-plane/audit-shipper";
import { ConsoleApprovalClient } from "./control-plane/approval-client";
import { ConsoleUpstreamTokenClient } from "./control-plane/upstream-token-client";
import { ControlPlaneClient } from "./control-plane/cp-client";
import { DriftReporter } from "./control-plane/drift-reporter";
import { createGateway, type Gateway } from "./gateway";
import { createStatusServer } from "./status/status-server";
import { watchSupervision } from "./status/supervision-watch";
import { loadGatewayTelemetry } from "./telemetry/request-trace";
import { loadOrCreateCertificate } from "./tls/self-signed";

function listen(server: net.Server, port: number, host: string, what: string, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") reject(new OptionsError(`Port ${port} is already in use (${what}); choose another with ${variable}.`));
      else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
}

const SOFTWARE_VERSION = (JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

/** With a control plane, /status also says whether it is reachable, and why the gateway is not ready when it has no configuration yet. */
function statusWithControlPlane(status: ReturnType<Gateway["status"]>, controlPlane: ControlPlaneClient | undefined) {
  if (!controlPlane) return status;
  const cp = controlPlane.status();
  const reason = status.ready
    ? {}
    : { reason: `no configuration yet: waiting for the control plane at ${cp.url}${cp.last_error ? ` (${cp.last_error})` : ""}, and no last-known-good copy on disk` };
  return { ...status, ...reason, control_plane: cp };
}

function refuseConfig(file: string, problems: string[]): never {
  console.error(`gateway: ${file} has ${problems.length} problem(s); not starting:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  process.exit(1);
}

async function start(options: GatewayOptions) {
  const log = pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
  // Last resort: an error that escapes every request's own handling is a bug, but it must not
  // take every route down with it. Logged at error level (and counted by whoever reads the log);
  // the process keeps serving. Startup failures below still end the process.
  process.on("uncaughtException", (error) => log.error({ error: error.stack ?? String(error) }, "uncaught exception; still serving"));
  process.on("unhandledRejection", (reason) =>
    log.error({ error: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason) }, "unhandled rejection; still serving"),
  );
  // The file is checked before anything listens: a bad file is refused whole.
  const initial = options.config ? await readConfigFile(options.config) : undefined;
  if (initial && !initial.ok) refuseConfig(options.config!, initial.problems);

  const masterKey = loadMasterKey({ PORTCULLIS_MASTER_KEY: process.env.PORTCULLIS_MASTER_KEY }, options.dataDir);
  const telemetry = await loadGatewayTelemetry(process.env, SOFTWARE_VERSION);
  const tracing = telemetry?.controlPlane;
  const audit: AuditSink = options.cpUrl
    ? new ShippingAuditSink({ url: options.cpUrl, token: options.dpToken!, capacity: options.auditBufferEvents, log, tracing })
    : new JsonLinesAuditSink(options.auditLog!, undefined, log);
  // With a control plane, definitions without an approved pin become the console's pending changes.
  const drift = options.cpUrl ? new DriftReporter({ url: options.cpUrl, token: options.dpToken!, log, tracing }) : undefined;
  const gateway = createGateway({
    audit,
    masterKey: () => masterKey,
    env: process.env,
    publicUrl: options.publicUrl,
    log,
    onToolDrift: drift && ((d) => drift.report(d)),
    telemetry,
    // Approvals are decided in the console; a gateway configured from a file refuses calls that need one.
    approvals: options.cpUrl ? new ConsoleApprovalClient({ url: options.cpUrl, token: options.dpToken! }) : undefined,
    maxHeldCalls: options.maxHeldCalls,
    // So are users' own upstream credentials: per_user routes of a gateway configured from a file refuse every call.
    upstreamTokens: options.cpUrl ? new ConsoleUpstreamTokenClient({ url: options.cpUrl, token: options.dpToken! }) : undefined,
  });
  const controlPlane = options.cpUrl
    ? new ControlPlaneClient({
        url: options.cpUrl,
        token: options.dpToken!,
        dataDir: options.dataDir,
        apply: gateway.applyConfig,
        droppedEvents: () => audit.stats().dropped,
        log,
        softwareVersion: SOFTWARE_VERSION,
        tracing,
      })
    : undefined;
  controlPlane?.start();
  if (initial?.ok) {
    const applied = gateway.applyConfig(initial.document, options.config!);
    if (!applied.ok) refuseConfig(options.config!, applied.problems);
    log.info({ version: applied.version, hash: applied.hash, file: options.config }, "configuration loaded");
  }

  const supervision = watchSupervision(options.dataDir);
  const tls = options.tlsCert ? { cert: fs.readFileSync(options.tlsCert), key: fs.readFileSync(options.tlsKey!) } : await loadOrCreateCertificate(options.dataDir);
  const servers = [
    { server: http.createServer(gateway.handler), port: options.httpPort, host: options.host, what: "gateway HTTP", variable: "PORTCULLIS_HTTP_PORT" },
    { server: https.createServer(tls, gateway.handler), port: options.httpsPort, host: options.host, what: "gateway HTTPS", variable: "PORTCULLIS_HTTPS_PORT" },
    {
      server: createStatusServer({
        // Under `npm start`, also the launcher's restarts of this gateway, its console and its database.
        status: () => ({ ...statusWithControlPlane(gateway.status(), controlPlane), supervision: supervision.current() }),
        metrics: gateway.metrics,
      }),
      port: options.statusPort,
      host: options.statusHost,
      what: "gateway status",
      variable: "PORTCULLIS_STATUS_PORT",
    },
  ];
  for (const s of servers) await listen(s.server, s.port, s.host, s.what, s.variable);
  log.info(`gateway: listening on http :${options.httpPort}, https :${options.httpsPort}, status ${options.statusHost}:${options.statusPort}`);

  // Reloads run one at a time, the latest signal's last (config/file-reloader.ts); reload never rejects.
  const reload = options.config
    ? createFileReloader({ file: options.config, read: readConfigFile, apply: (document, source) => gateway.applyConfig(document, source), log })
    : async () => log.warn("SIGHUP ignored: the gateway was started without --config");
  process.on("SIGHUP", () => void reload());

  const stop = async () => {
    controlPlane?.stop();
    supervision.stop();
    for (const s of servers) s.server.close();
    for (const s of servers) s.server.closeAllConnections();
    await Promise.all([audit.close(), drift?.close()]);
    await gateway.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}

try {
  const options = readOptions(process.argv.slice(2), process.env);
  if (options === "help") console.log(USAGE);
  else await start(options);
} catch (error) {
  console.error(`gateway: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
