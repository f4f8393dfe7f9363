// Ships audit events to the control plane: batches every second or every 500
// events, retries with backoff, never blocks or fails a request. The buffer is
// bounded; when it is full the oldest events are dropped and counted (the count
// is reported to the control plane and shown on /status). Events carry unique
// ids, so a batch re-sent after a lost response is not counted twice.
//
// Nothing the console refuses is sent again: events of a batch it reports
// invalid (by index) are dropped and counted as `rejected` (and `dropped`),
// logged once per kind of problem; a batch it refuses as a whole (400, 413,
// 422) is tried REFUSED_ATTEMPTS times, then dropped and counted the same way.
// Network errors, timeouts, 401s and 5xx keep being retried with backoff.
import type { AuditEvent, EventBatch, EventBatchResult, InvalidEvent } from "../../../lib/core/audit/event";
import { DP_API } from "../../../lib/core/controlplane/protocol";
import type { AuditSink, AuditStats } from "../audit/audit-sink";
import { backoffDelay } from "./backoff";
import { UNTRACED_CONTROL_PLANE, type ControlPlaneTracing } from "../telemetry/request-trace";

const BATCH_SIZE = 500;
const SHIP_EVERY_MS = 1000;
const REQUEST_TIMEOUT_MS = 10_000;
/** A batch the console refuses as a whole is sent this many times (with backoff), then dropped. */
export const REFUSED_ATTEMPTS = 3;
/** Answers that refuse the batch itself, not the moment: sending it again will not help. */
const REFUSING_STATUSES = new Set([400, 413, 422]);

type Delivery = { refused: false; invalid: InvalidEvent[] } | { refused: true; status: number; message: string };

export interface ShipperOptions {
  url: string;
  token: string;
  /** Events kept while the control plane is unreachable; past this the oldest are dropped. */
  capacity: number;
  log: { warn(fields: Record<string, unknown>, message: string): void; error(fields: Record<string, unknown>, message: string): void };
  /** With telemetry on: each batch a span the console continues. */
  tracing?: ControlPlaneTracing;
  /** The first retry's longest wait (doubling to 30 s, with jitter); 1 s. */
  retryBaseMs?: number;
}

export class ShippingAuditSink implements AuditSink {
  // A queue with a moving head: dropping the oldest and removing a shipped batch are O(1).
  #events: AuditEvent[] = [];
  #head = 0;
  #firstSeq = 0;
  #emitted = 0;
  #dropped = 0;
  #rejected = 0;
  #failures = 0;
  /** Whole-batch refusals in a row (of the batch at the head, or what it became as the buffer dropped its oldest). */
  #refusals = 0;
  /** Kinds of problems already logged (the fields the console named), so each is logged once. */
  #loggedKinds = new Set<string>();
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
      .then((delivery) => {
        if (delivery.refused) {
          const count = ++this.#refusals;
          if (count < REFUSED_ATTEMPTS) {
            this.#retryAt = Date.now() + backoffDelay(this.#failures++, this.options.retryBaseMs ?? 1000);
            this.options.log.warn(
              { buffered: this.#size, status: delivery.status, error: delivery.message, attempt: count },
              "the control plane refused a batch of audit events; will retry",
            );
            return;
          }
          this.#refusals = 0;
          this.#failures = 0;
          const removed = this.#removeSent(firstSeq, batch.length);
          this.#reject(removed);
          this.options.log.error(
            { status: delivery.status, error: delivery.message, attempts: count, rejected: removed },
            "the control plane refused a batch of audit events every time; its events are dropped (counted as rejected in /status and /metrics)",
          );
          return;
        }
        this.#refusals = 0;
        this.#failures = 0;
        const removed = this.#removeSent(firstSeq, batch.length);
        // Reported by index in what was sent; those the buffer dropped meanwhile were counted already.
        const droppedMeanwhile = batch.length - removed;
        const reported = delivery.invalid.filter((e) => Number.isInteger(e.index) && e.index >= droppedMeanwhile && e.index < batch.length);
        const invalid = [...new Map(reported.map((e) => [e.index, e])).values()];
        if (invalid.length > 0) this.#reportInvalid(invalid);
      })
      .catch((error: Error) => {
        this.#retryAt = Date.now() + backoffDelay(this.#failures++, this.options.retryBaseMs ?? 1000);
        this.options.log.warn({ buffered: this.#size, error: error.message }, "audit events not delivered to the control plane; will retry");
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }

  /** Removes what was sent and is still queued (drops may have removed some of it meanwhile); returns how many. */
  #removeSent(firstSeq: number, length: number): number {
    const sent = Math.max(0, firstSeq + length - this.#firstSeq);
    this.#head += sent;
    this.#firstSeq += sent;
    this.#compact();
    return sent;
  }

  #reject(count: number) {
    this.#rejected += count;
    this.#dropped += count;
  }

  /** Events the console will never store: dropped and counted, each kind of problem logged once. */
  #reportInvalid(invalid: readonly InvalidEvent[]) {
    this.#reject(invalid.length);
    for (const event of invalid) {
      const problems = Array.isArray(event.problems) ? event.problems.map(String) : [];
      // The fields named, positions in a list left out: "path", "groups[]".
      const kind = [...new Set(problems.map((p) => p.slice(0, Math.max(0, p.indexOf(":"))).replace(/\.\d+(?=\.|$)/g, "[]")))].join(",") || "(unspecified)";
      if (this.#loggedKinds.has(kind) || this.#loggedKinds.size >= 100) continue;
      this.#loggedKinds.add(kind);
      this.options.log.error(
        { kind, problems: problems.slice(0, 5), rejected_in_batch: invalid.length },
        "the control plane refused audit events as invalid; they are dropped (counted as rejected in /status and /metrics) and not sent again; logged once per kind",
      );
    }
  }

  async #send(events: AuditEvent[]): Promise<Delivery> {
    const response = await (this.options.tracing ?? UNTRACED_CONTROL_PLANE).fetch(new URL(DP_API.events, this.options.url), {
      method: "POST",
      headers: { authorization: `Bearer ${this.options.token}`, "content-type": "application/json" },
      body: JSON.stringify({ events } satisfies EventBatch),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (REFUSING_STATUSES.has(response.status)) {
      const answer = (await response.json().catch(() => undefined)) as { error?: { message?: unknown; problems?: unknown } } | undefined;
      const problems = Array.isArray(answer?.error?.problems) ? ` (${answer.error.problems.slice(0, 3).map(String).join("; ")})` : "";
      const message = typeof answer?.error?.message === "string" ? answer.error.message : `the control plane answered ${response.status}`;
      return { refused: true, status: response.status, message: `${message}${problems}`.slice(0, 1000) };
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`the control plane answered ${response.status}`);
    }
    // An older console answers without `invalid`: everything it took was stored.
    const answer = (await response.json().catch(() => undefined)) as Partial<EventBatchResult> | undefined;
    return { refused: false, invalid: Array.isArray(answer?.invalid) ? answer.invalid : [] };
  }

  stats(): AuditStats {
    return { emitted: this.#emitted, dropped: this.#dropped, buffered: this.#size, rejected: this.#rejected };
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
