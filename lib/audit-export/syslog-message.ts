// One audit event as an RFC 5424 syslog message, framed for TCP by octet
// counting (RFC 6587 §3.4.1: "<length> <message>", length in bytes).
// Facility 13 is "log audit" (RFC 5424 §6.2.1); the severity follows the
// decision. MSG is the event's JSON, UTF-8 with the BOM §6.4 requires.
import os from "node:os";
import type { ExportedEvent } from "./exported-event";

const FACILITY_LOG_AUDIT = 13;
const SEVERITY: Record<ExportedEvent["decision"], number> = { allow: 6, deny: 5, error: 3 };
export const APP_NAME = "portcullis";
const MSG_ID = "audit";
const BOM = "\uFEFF";

// HOSTNAME is PRINTUSASCII, at most 255 characters (§6.2.4).
const HOSTNAME =
  os
    .hostname()
    .replace(/[^\x21-\x7e]/g, "")
    .slice(0, 255) || "-";

export function syslogMessage(event: ExportedEvent, hostname = HOSTNAME, procId = String(process.pid)): string {
  const pri = FACILITY_LOG_AUDIT * 8 + SEVERITY[event.decision];
  return `<${pri}>1 ${event.time} ${hostname} ${APP_NAME} ${procId} ${MSG_ID} - ${BOM}${JSON.stringify(event)}`;
}

export function octetCounted(message: string): string {
  return `${Buffer.byteLength(message, "utf8")} ${message}`;
}
