// Sends the catalogue's drift reports (tool definitions listed without an
// approved pin) to the control plane, where they wait as pending changes.
// Like audit shipping: queued, sent in batches, retried with backoff, never in
// a request's way. The queue is bounded (the oldest are dropped and counted);
// the gateway reports each server, tool and pin once, so the queue holds
// distinct definitions. A refusal that retrying cannot fix (a 4xx other than
// 408/429) drops the batch with a log line; the console stores each report
// once, so a batch re-sent after a lost answer is harmless.
import { DP_API, DRIFT_BATCH_MAX, type ToolDriftMessage } from "../../../lib/core/controlplane/protocol";
import type { ToolDrift } from "../pipeline/catalogue";
import { backoffDelay } from "./backoff";
import { UNTRACED_CONTROL_PLANE, type ControlPlaneTracing } from "../telemetry/request-trace";

const SEND_EVERY_MS = 500;
const REQUEST_TIMEOUT_MS = 10_000;
const CAPACITY = 1_000;

export interface DriftReporterOptions {
  url: string;
  token: string;
  log: { warn(fields: Record<string, unknown>, message: string): void };
  /** With telemetry on: each batch a span the console continues. */
  tracing?: ControlPlaneTracing;
}

class PermanentRefusal extends Error {}

export class DriftReporter {
  #queue: ToolDriftMessage[] = [];
  #dropped = 0;
  #failures = 0;
  #retryAt = 0;
  #inFlight: Promise<void> | undefined;
  #timer: NodeJS.Timeout;

  constructor(private readonly options: DriftReporterOptions) {
    this.#timer = setInterval(() => void this.send(), SEND_EVERY_MS);
    this.#timer.unref();
  }

  report(drift: ToolDrift): void {
    // No pin, nothing an admin could approve: the gateway's log and /status show it.
    if (drift.pin === null) return;
    if (this.#queue.length >= CAPACITY) {
      this.#queue.shift();
      this.#dropped++;
    }
    this.#queue.push({
      server: drift.server,
      tool: drift.tool,
      pin: drift.pin,
      approved: drift.approved,
      definition: drift.definition as Record<string, unknown>,
      seen_at: drift.seenAt,
    });
    void this.send();
  }

  /** Sends one batch unless one is in flight or the last failure's backoff is not over. */
  send(): Promise<void> {
    if (this.#inFlight || this.#queue.length === 0 || Date.now() < this.#retryAt) return this.#inFlight ?? Promise.resolve();
    const batch = this.#queue.slice(0, DRIFT_BATCH_MAX);
    const done = () => {
      // Drops while in flight only removed the oldest: whatever of the batch is still queued is at the front.
      const sent = batch.filter((d) => this.#queue.includes(d)).length;
      this.#queue.splice(0, sent);
    };
    this.#inFlight = this.#post(batch)
      .then(() => {
        this.#failures = 0;
        done();
      })
      .catch((error: Error) => {
        if (error instanceof PermanentRefusal) {
          done();
          this.options.log.warn({ reports: batch.length, error: error.message }, "tool drift reports refused by the control plane; dropped");
          return;
        }
        this.#retryAt = Date.now() + backoffDelay(this.#failures++, 1000);
        this.options.log.warn({ queued: this.#queue.length, error: error.message }, "tool drift reports not delivered to the control plane; will retry");
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }

  async #post(drifts: ToolDriftMessage[]) {
    const response = await (this.options.tracing ?? UNTRACED_CONTROL_PLANE).fetch(new URL(DP_API.drift, this.options.url), {
      method: "POST",
      headers: { authorization: `Bearer ${this.options.token}`, "content-type": "application/json" },
      body: JSON.stringify({ drifts }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (response.ok) return;
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429 || response.status === 401;
    throw retryable ? new Error(`the control plane answered ${response.status}`) : new PermanentRefusal(`the control plane answered ${response.status}`);
  }

  stats() {
    return { queued: this.#queue.length, dropped: this.#dropped };
  }

  /** Tries to deliver what is queued (bounded by the request timeout), then stops. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#retryAt = 0;
    for (let round = 0; round < 20 && this.#queue.length > 0; round++) {
      const before = this.#queue.length;
      await this.send();
      if (this.#queue.length >= before) break;
    }
  }
}
