// The gateway in the test process, on a free port, with an in-memory audit
// sink and a log that tests can read (to prove secrets stay out of it).
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { AuditEvent } from "../../../lib/core/audit/event";
import type { AuditSink } from "../../src/audit/audit-sink";
import type { ApprovalClaims } from "../../src/control-plane/approval-client";
import { createGateway, type Gateway } from "../../src/gateway";
import type { GatewayTelemetry } from "../../src/telemetry/request-trace";

export class MemoryAuditSink implements AuditSink {
  readonly events: AuditEvent[] = [];
  #waiters: { match: (e: AuditEvent) => boolean; resolve: (e: AuditEvent) => void }[] = [];

  emit(event: AuditEvent) {
    this.events.push(event);
    this.#waiters = this.#waiters.filter((w) => (w.match(event) ? (w.resolve(event), false) : true));
  }

  /** The first event (already emitted or still to come) that matches. */
  next(match: (e: AuditEvent) => boolean): Promise<AuditEvent> {
    const seen = this.events.find(match);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  stats() {
    return { emitted: this.events.length, dropped: 0, buffered: 0 };
  }

  async close() {}
}

export interface LogLine {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

export interface TestGateway {
  url: string;
  gateway: Gateway;
  audit: MemoryAuditSink;
  logs: LogLine[];
  server: http.Server;
  close(): Promise<void>;
}

/** `document` may be a function of the gateway's own URL (for public_url and audiences). */
export async function startTestGateway(
  document: unknown,
  options: {
    env?: Record<string, string | undefined>;
    masterKey?: Buffer;
    publicUrl?: string;
    telemetry?: GatewayTelemetry;
    approvals?: ApprovalClaims;
    maxHeldCalls?: number;
  } = {},
): Promise<TestGateway> {
  const audit = new MemoryAuditSink();
  const logs: LogLine[] = [];
  const line = (level: string) => (fields: Record<string, unknown> | string, message?: string) =>
    logs.push(typeof fields === "string" ? { level, message: fields, fields: {} } : { level, message: message ?? "", fields });
  const masterKey = options.masterKey ?? randomBytes(32);
  const gateway = createGateway({
    audit,
    masterKey: () => masterKey,
    env: options.env ?? {},
    publicUrl: options.publicUrl,
    telemetry: options.telemetry,
    approvals: options.approvals,
    maxHeldCalls: options.maxHeldCalls,
    log: { info: line("info"), warn: line("warn"), error: line("error") },
  });
  const server = http.createServer(gateway.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const applied = gateway.applyConfig(typeof document === "function" ? document(url) : document, "test");
  if (!applied.ok) {
    server.close();
    throw new Error(`test config rejected:\n${applied.problems.join("\n")}`);
  }
  return {
    url,
    gateway,
    audit,
    logs,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await gateway.close();
    },
  };
}
