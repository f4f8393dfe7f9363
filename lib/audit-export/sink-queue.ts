// One export sink's delivery loop: a bounded in-memory queue that ingestion
// only appends to (never awaiting the sink), drained in batches by a single
// pump that retries a failed batch with capped exponential backoff. When the
// queue is full the incoming events are dropped and counted, so a dead sink
// costs ingestion a length check and nothing else.
import type { ExportedEvent } from "./exported-event";

/** Sends one batch; resolves when the sink has taken it, rejects when it has not. */
export type DeliverBatch = (events: readonly ExportedEvent[]) => Promise<void>;

export interface SinkQueueOptions {
  capacity: number;
  batchSize: number;
  firstRetryMs: number;
  maxRetryMs: number;
}

export const DEFAULT_SINK_QUEUE: SinkQueueOptions = { capacity: 10_000, batchSize: 500, firstRetryMs: 500, maxRetryMs: 60_000 };

export interface SinkStatus {
  queued: number;
  delivered: number;
  dropped: number;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

export class SinkQueue {
  private queue: ExportedEvent[] = [];
  private delivered = 0;
  private dropped = 0;
  private lastSuccessAt: Date | null = null;
  private lastError: { message: string; at: Date } | null = null;
  private pumping = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private wakeRetry: (() => void) | null = null;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly deliver: DeliverBatch,
    private readonly options: SinkQueueOptions = DEFAULT_SINK_QUEUE,
  ) {}

  /** Queues what fits and counts the rest as dropped; returns at once. */
  enqueue(events: readonly ExportedEvent[]): void {
    if (this.stopped) return;
    const room = Math.max(0, this.options.capacity - this.queue.length);
    if (room < events.length) this.dropped += events.length - room;
    for (let i = 0; i < Math.min(room, events.length); i++) this.queue.push(events[i]!);
    if (!this.pumping && this.queue.length > 0) void this.pump();
  }

  status(): SinkStatus {
    return {
      queued: this.queue.length,
      delivered: this.delivered,
      dropped: this.dropped,
      lastSuccessAt: this.lastSuccessAt?.toISOString() ?? null,
      lastError: this.lastError?.message ?? null,
      lastErrorAt: this.lastError?.at.toISOString() ?? null,
    };
  }

  /** Resolves once the queue is empty (at once when it is). */
  drained(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops delivering; queued events are discarded with the sink. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.wakeRetry?.();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    let failures = 0;
    while (!this.stopped && this.queue.length > 0) {
      const batch = this.queue.slice(0, this.options.batchSize);
      try {
        await this.deliver(batch);
        this.queue.splice(0, batch.length);
        this.delivered += batch.length;
        this.lastSuccessAt = new Date();
        failures = 0;
      } catch (error) {
        this.lastError = { message: (error as Error).message || String(error), at: new Date() };
        await this.pause(Math.min(this.options.maxRetryMs, this.options.firstRetryMs * 2 ** failures));
        failures += 1;
      }
    }
    this.pumping = false;
    if (this.queue.length === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeRetry = resolve;
      this.retryTimer = setTimeout(resolve, ms);
      this.retryTimer.unref();
    });
  }
}
