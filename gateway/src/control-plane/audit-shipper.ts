// Ships audit events to the control plane: batches every second or every 500
// events, retries with backoff, never blocks or fails a request. The buffer is
// bounded; when it is full the oldest events are dropped and counted (the count
// is reported to the control plane and shown on /status). Events carry unique
// ids, so a batch re-sent after a lost response is not counted twice.
import type { AuditEvent, EventBatch } from "../../../lib/core/audit/event";
import { DP_API } from "../../../lib/core/controlplane/protocol";
import type { AuditSink, AuditStats } from "../audit/audit-sink";
import { backoffDelay } from "./backoff";
import { UNTRACED_CONTROL_PLANE, type ControlPlaneTracing } from "../telemetry/request-trace";

const BATCH_SIZE = 500;
const SHIP_EVERY_MS = 1000;
const REQUEST_TIMEOUT_MS = 10_000;

export interface ShipperOptions {
  url: string;
  token: string;
  /** Events kept while the control plane is unreachable; past this the oldest are dropped. */
  capacity: number;
  log: { warn(fields: Record<string, unknown>, message: string): void };
  /** With telemetry on: each batch a span the console continues. */
  tracing?: ControlPlaneTracing;
}

export class ShippingAuditSink implements AuditSink {
  // A queue with a moving head: dropping the oldest and removing a shipped batch are O(1).
  #events: AuditEvent[] = [];
  #head = 0;
  #firstSeq = 0;
  #emitted = 0;
  #dropped = 0;
  #failures = 0;
  #retryAt = 0;
  #inFlight: Promise<void> | undefined;
  #timer: NodeJS.Timeout;

  constructor(private readonly options: ShipperOptions) {
    this.#timer = setInterval(() => void this.ship(), SHIP_EVERY_MS);
    this.#timer.unref();
  }

  get #size(): number {
    return this.#events.length - this.#head;
  }

  emit(event: AuditEvent): void {
    this.#emitted++;
    if (this.#size >= this.options.capacity) this.#dropOldest(1);
    this.#events.push(event);
    if (this.#size >= BATCH_SIZE) void this.ship();
  }

  #dropOldest(count: number) {
    this.#head += count;
    this.#firstSeq += count;
    this.#dropped += count;
    this.#compact();
  }

  #compact() {
    if (this.#head > 4096 && this.#head * 2 > this.#events.length) {
      this.#events = this.#events.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Sends one batch unless one is in flight or the last failure's backoff is not over. */
  ship(): Promise<void> {
    if (this.#inFlight || this.#size === 0 || Date.now() < this.#retryAt) return this.#inFlight ?? Promise.resolve();
    const firstSeq = this.#firstSeq;
    const batch = this.#events.slice(this.#head, this.#head + BATCH_SIZE);
    this.#inFlight = this.#send(batch)
      .then(() => {
        this.#failures = 0;
        // Remove what was sent and is still queued (drops may have removed some of it meanwhile).
        const sent = Math.max(0, firstSeq + batch.length - this.#firstSeq);
        this.#head += sent;
        this.#firstSeq += sent;
        this.#compact();
      })
      .catch((error: Error) => {
        this.#retryAt = Date.now() + backoffDelay(this.#failures++, 1000);
        this.options.log.warn({ buffered: this.#size, error: error.message }, "audit events not delivered to the control plane; will retry");
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }

  async #send(events: AuditEvent[]) {
    const response = await (this.options.tracing ?? UNTRACED_CONTROL_PLANE).fetch(new URL(DP_API.events, this.options.url), {
      method: "POST",
      headers: { authorization: `Bearer ${this.options.token}`, "content-type": "application/json" },
      body: JSON.stringify({ events } satisfies EventBatch),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`the control plane answered ${response.status}`);
  }

  stats(): AuditStats {
    return { emitted: this.#emitted, dropped: this.#dropped, buffered: this.#size };
  }

  /** Tries to deliver what is buffered (bounded by the request timeout), then stops. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#retryAt = 0;
    for (let round = 0; round < 20 && this.#size > 0; round++) {
      const before = this.#size;
      await this.ship();
      if (this.#size >= before) break;
    }
  }
}
