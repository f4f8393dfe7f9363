// The console's audit export: every event ingestion stores goes, with its
// chain hashes, to the queue of every configured sink. Ingestion calls
// `exportStored` after its transaction commits; that only appends to
// in-memory queues, so a slow or dead sink never slows ingestion.
import type { ChainedEvent } from "../audit-chain/chain";
import { exportedEvents } from "./exported-event";
import { DEFAULT_SINK_QUEUE, SinkQueue, type DeliverBatch, type SinkQueueOptions, type SinkStatus } from "./sink-queue";

export interface RunningSink {
  id: string;
  queue: SinkQueue;
  close(): void;
}

export class AuditExportEngine {
  private sinks = new Map<string, RunningSink>();

  constructor(private readonly options: SinkQueueOptions = DEFAULT_SINK_QUEUE) {}

  /** Starts a sink under `id`, replacing (and stopping) one of the same id. */
  start(id: string, delivery: { deliver: DeliverBatch; close?: () => void }): RunningSink {
    this.stop(id);
    const queue = new SinkQueue(delivery.deliver, this.options);
    const sink = {
      id,
      queue,
      close: () => {
        queue.stop();
        delivery.close?.();
      },
    };
    this.sinks.set(id, sink);
    return sink;
  }

  stop(id: string): void {
    this.sinks.get(id)?.close();
    this.sinks.delete(id);
  }

  ids(): string[] {
    return [...this.sinks.keys()];
  }

  exportStored(chainKey: string, chained: readonly ChainedEvent[]): void {
    if (this.sinks.size === 0 || chained.length === 0) return;
    const events = exportedEvents(chainKey, chained);
    for (const sink of this.sinks.values()) sink.queue.enqueue(events);
  }

  status(id: string): SinkStatus | null {
    return this.sinks.get(id)?.queue.status() ?? null;
  }

  stopAll(): void {
    for (const id of this.ids()) this.stop(id);
  }
}
