// The audit export sinks admins configure (lib/audit-export/): listed with
// their delivery status, created and deleted. A webhook's HMAC secret and an
// OTLP sink's headers are sealed under the master key, bound to the sink's id,
// and never returned.
import { randomUUID } from "node:crypto";
import { consoleAuditExport, reloadAuditSinks, sinkSecretName } from "../audit-export/console-export";
import type { SinkStatus } from "../audit-export/sink-queue";
import type { CurrentUser } from "../auth/session";
import { encryptSecret } from "../core/vault/secret-box";
import { db } from "../db/client";
import { recordActivity } from "./activity";
import { resolveSyncHeaders } from "./sync-credential";
import { notFound } from "./errors";
import type { AuditSinkCreate } from "./schemas/audit-sink";
import { consoleMasterKey } from "./vault/master-key";

export interface AuditSinkView {
  id: string;
  name: string;
  kind: "webhook" | "syslog" | "otlp_logs";
  /** Where it sends: the webhook or OTLP logs URL, or syslog host:port. */
  target: string;
  tls: boolean;
  createdAt: string;
  /** This console process's delivery counters; null before the sink has started here. */
  status: SinkStatus | null;
}

export async function listAuditSinks(): Promise<AuditSinkView[]> {
  const engine = await consoleAuditExport();
  const rows = await db().auditSink.findMany({ orderBy: { name: "asc" } });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    kind: row.kind,
    target: row.kind === "syslog" ? `${row.host}:${row.port}` : row.kind === "otlp_logs" ? `${row.url ?? ""} (${row.otlpProtocol})` : (row.url ?? ""),
    tls: row.kind === "syslog" ? row.tls : (row.url ?? "").startsWith("https:"),
    createdAt: row.createdAt.toISOString(),
    status: engine.status(row.id),
  }));
}

export async function createAuditSink(actor: CurrentUser, sink: AuditSinkCreate): Promise<{ id: string }> {
  const id = randomUUID();
  const seal = (secret: string) => encryptSecret(consoleMasterKey(), sinkSecretName(id), secret);
  let fields;
  if (sink.kind === "webhook") fields = { url: sink.url, secretCiphertext: seal(sink.secret) };
  else if (sink.kind === "syslog") fields = { host: sink.host, port: sink.port, tls: sink.tls, caPem: sink.ca ?? null };
  else {
    // Refused now rather than at the first delivery: every referenced secret must exist.
    await resolveSyncHeaders(db(), sink.headers);
    // Header values are credentials as often as not: sealed whole, references and literals alike.
    fields = { url: sink.url, otlpProtocol: sink.protocol, secretCiphertext: seal(JSON.stringify(sink.headers)) };
  }
  await db().$transaction(async (tx) => {
    await tx.auditSink.create({ data: { id, name: sink.name, kind: sink.kind, createdById: actor.id, ...fields } });
    await recordActivity(tx, actor, { action: "audit_sink.create", entityType: "audit_sink", entityId: id, entityName: sink.name });
  });
  await reloadAuditSinks();
  return { id };
}

export async function deleteAuditSink(actor: CurrentUser, id: string): Promise<void> {
  const sink = await db().auditSink.findUnique({ where: { id } });
  if (!sink) throw notFound("This audit sink");
  await db().$transaction(async (tx) => {
    await tx.auditSink.delete({ where: { id } });
    await recordActivity(tx, actor, { action: "audit_sink.delete", entityType: "audit_sink", entityId: id, entityName: sink.name });
  });
  await reloadAuditSinks();
}
