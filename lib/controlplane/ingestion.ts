// The console process's audit ingestion: one RollupWriter flushed every
// second, a ledger recovery pass for batches a crash left behind, and the
// retention job that prunes old events (default 30 days; setting
// "audit.retention_days"). Each batch's newly stored events then go to the
// audit export sinks' queues (lib/audit-export/), which ingestion never waits on.
import { consoleAuditExport } from "../audit-export/console-export";
import { ingestAuditEvents, pruneAuditData, recoverRollupLedger, RollupWriter } from "../analytics/ingest";
import type { AuditEvent } from "../core/audit/event";
import { db, pool } from "../db/client";
import { recordSeen } from "./data-plane-status";
import { UNTRACED, type DataPlaneTrace } from "./dp-trace";

const FLUSH_EVERY_MS = 1000;
// Older than any flush in flight, so recovery seldom meets a live writer (of this or another console process);
// when it does (a slow batch or flush), the flush claims its ledger rows first and each is rolled up once.
const RECOVER_AFTER_MS = 30_000;
const PRUNE_EVERY_MS = 3_600_000;
export const DEFAULT_RETENTION_DAYS = 30;

const globalForIngestion = globalThis as unknown as { portcullisRollups?: RollupWriter };

async function prune() {
  const setting = await db().setting.findUnique({ where: { key: "audit.retention_days" } });
  const days = typeof setting?.value === "number" && setting.value > 0 ? setting.value : DEFAULT_RETENTION_DAYS;
  const removed = await pruneAuditData(db(), days);
  if (removed.events > 0) console.log(`audit retention: removed ${removed.events} events older than ${days} days`);
}

export function rollupWriter(): RollupWriter {
  if (!globalForIngestion.portcullisRollups) {
    const writer = new RollupWriter(pool());
    globalForIngestion.portcullisRollups = writer;
    const report = (what: string) => (error: unknown) => console.error(`${what}:`, (error as Error).message);
    setInterval(() => void writer.flush(), FLUSH_EVERY_MS).unref();
    setInterval(() => void recoverRollupLedger(pool(), RECOVER_AFTER_MS).catch(report("rollup recovery")), RECOVER_AFTER_MS).unref();
    setInterval(() => void prune().catch(report("audit retention")), PRUNE_EVERY_MS).unref();
    void prune().catch(report("audit retention"));
  }
  return globalForIngestion.portcullisRollups;
}

/** A data plane's batch: stored once per event id, rolled up, and the data plane seen. */
export async function ingestBatch(planeId: string, events: readonly AuditEvent[], trace: DataPlaneTrace = UNTRACED): Promise<{ inserted: number; duplicates: number }> {
  const exporter = await consoleAuditExport();
  const result = await trace.step("portcullis.audit.ingest", { "db.system.name": "postgresql", "portcullis.audit.events": events.length }, () =>
    ingestAuditEvents(pool(), rollupWriter(), events, planeId, (chainKey, chained) => exporter.exportStored(chainKey, chained)),
  );
  await recordSeen(planeId);
  return result;
}
