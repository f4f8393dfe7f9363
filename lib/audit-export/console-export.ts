// The console process's audit export engine, loaded from the AuditSink rows on
// the first batch ingested (or the first look at the sinks), reloaded right
// after an admin changes them in this process and every 30 seconds for
// changes made through another console process. A sink row never changes
// (admins create and delete), so its id is enough to tell what to start and stop.
import { decryptSecret } from "../core/vault/secret-box";
import { db } from "../db/client";
import type { AuditSink } from "../generated/prisma/client";
import { consoleMasterKey } from "../console/vault/master-key";
import { resolveSyncHeaders } from "../console/sync-credential";
import { AuditExportEngine } from "./export-engine";
import { otlpLogsDelivery } from "./otlp-logs-sink";
import type { DeliverBatch } from "./sink-queue";
import { syslogDelivery } from "./syslog-sink";
import { webhookDelivery } from "./webhook-sink";

const RELOAD_EVERY_MS = 30_000;

/** What the sink's secret is bound to (secret-box's additional authenticated data), so a ciphertext cannot move to another sink. */
export const sinkSecretName = (id: string) => `audit-sink:${id}`;

const globalForExport = globalThis as unknown as { portcullisAuditExport?: Promise<AuditExportEngine> };

function deliveryFor(sink: AuditSink): { deliver: DeliverBatch; close?: () => void } {
  if (sink.kind === "syslog") return syslogDelivery({ host: sink.host ?? "", port: sink.port ?? 0, tls: sink.tls, ca: sink.caPem ?? undefined });
  let secret: string;
  try {
    secret = decryptSecret(consoleMasterKey(), sinkSecretName(sink.id), sink.secretCiphertext ?? "");
  } catch (error) {
    // Shown as the sink's last error; the events wait in its queue as for any failing sink.
    const refusal = new Error(`the ${sink.kind === "webhook" ? "webhook secret" : "OTLP headers"} cannot be read: ${(error as Error).message}`);
    return { deliver: () => Promise.reject(refusal) };
  }
  if (sink.kind === "webhook") return { deliver: webhookDelivery(sink.url ?? "", secret) };
  const headers = JSON.parse(secret) as Record<string, string>;
  return otlpLogsDelivery({
    url: sink.url ?? "",
    protocol: sink.otlpProtocol === "http/json" ? "http/json" : "http/protobuf",
    // Resolved at each delivery, so a rotated vault secret is used from the next batch on.
    headers: () => resolveSyncHeaders(db(), headers),
  });
}

async function syncSinks(engine: AuditExportEngine): Promise<void> {
  const rows = await db().auditSink.findMany();
  const wanted = new Set(rows.map((row) => row.id));
  for (const id of engine.ids()) if (!wanted.has(id)) engine.stop(id);
  const running = new Set(engine.ids());
  for (const row of rows) if (!running.has(row.id)) engine.start(row.id, deliveryFor(row));
}

export function consoleAuditExport(): Promise<AuditExportEngine> {
  globalForExport.portcullisAuditExport ??= (async () => {
    const engine = new AuditExportEngine();
    await syncSinks(engine);
    setInterval(() => void syncSinks(engine).catch((error: Error) => console.error("audit export: reloading sinks failed:", error.message)), RELOAD_EVERY_MS).unref();
    return engine;
  })().catch((error: unknown) => {
    // Not cached: the next batch tries again, as it fails to store while the database is away.
    globalForExport.portcullisAuditExport = undefined;
    throw error;
  });
  return globalForExport.portcullisAuditExport;
}

/** After an admin's change: this process's engine follows at once. */
export async function reloadAuditSinks(): Promise<void> {
  await syncSinks(await consoleAuditExport());
}
