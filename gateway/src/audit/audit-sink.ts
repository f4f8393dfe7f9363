// Where audit events go. Emitting never waits and never throws: the request
// path hands the event over and moves on. A bounded buffer absorbs bursts;
// when it is full, events are dropped and counted (visible in /status and
// /metrics) rather than slowing or failing requests.
import fs from "node:fs";
import path from "node:path";
import type { AuditEvent } from "../../../lib/core/audit/event";

export interface AuditStats {
  emitted: number;
  dropped: number;
  buffered: number;
}

export interface AuditSink {
  emit(event: AuditEvent): void;
  stats(): AuditStats;
  /** Writes what is buffered, then releases the sink. */
  close(): Promise<void>;
}

/**
 * How long events wait to be written together. Every file write goes through
 * libuv's thread pool (a hand-off and a wake-up each); gathering a window's
 * events into one write keeps that off the per-request cost under load.
 */
const WRITE_WINDOW_MS = 50;

/** JSON lines appended to a file (DB-less mode). */
export class JsonLinesAuditSink implements AuditSink {
  #queue: string[] = [];
  #writing = false;
  #emitted = 0;
  #dropped = 0;
  #stream: fs.WriteStream;
  #idle: (() => void)[] = [];

  constructor(
    readonly file: string,
    private readonly capacity = 10_000,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.#stream = fs.createWriteStream(file, { flags: "a", mode: 0o600 });
    // A failing disk must not take the gateway down; the events are lost and counted.
    this.#stream.on("error", () => {
      this.#dropped += this.#queue.length;
      this.#queue = [];
    });
  }

  emit(event: AuditEvent): void {
    if (this.#queue.length >= this.capacity) {
      this.#dropped++;
      return;
    }
    this.#emitted++;
    this.#queue.push(JSON.stringify(event));
    if (!this.#writing) {
      this.#writing = true;
      setTimeout(() => this.#flush(), WRITE_WINDOW_MS);
    }
  }

  #flush() {
    if (this.#queue.length === 0 || this.#stream.destroyed) {
      this.#writing = false;
      for (const resolve of this.#idle.splice(0)) resolve();
      return;
    }
    const lines = this.#queue;
    this.#queue = [];
    this.#stream.write(`${lines.join("\n")}\n`, () => setTimeout(() => this.#flush(), WRITE_WINDOW_MS));
  }

  stats(): AuditStats {
    return { emitted: this.#emitted, dropped: this.#dropped, buffered: this.#queue.length };
  }

  async close(): Promise<void> {
    if (this.#writing) await new Promise<void>((resolve) => this.#idle.push(resolve));
    await new Promise<void>((resolve) => this.#stream.end(resolve));
  }
}
