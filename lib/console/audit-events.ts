// What the audit explorer and its export read: the raw events
// (lib/analytics/audit-query.ts) over the console's database.
import { auditBatches, auditPage, type AuditFilter } from "../analytics/audit-query";
import { db } from "../db/client";

export function auditEventsPage(filter: AuditFilter) {
  return auditPage(db(), filter);
}

/** The filtered events in batches, for a streamed export. */
export function auditExportBatches(filter: AuditFilter) {
  return auditBatches(db(), filter);
}
