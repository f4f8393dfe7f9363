// Where audit events go. Emitting never waits and never throws: the request
// path hands the event over and moves on. A bounded buffer absorbs bursts;
// when it is full, events are dropped and counted (visible in /status and
// /metrics) rather than slowing or failing requests.
import fs from "node:fs";
import path from "node:path";
import type { AuditEvent } from "../../../lib/core/audit/event";
import { backoffDelay } from "../control-plane/backoff";

export interface AuditStats {
  emitted: number;
  dropped: number;
  buffered: number;
  /** Shipping to a console: events it refused (reported invalid, or in a batch it refused every time), also counted in `dropped`. */
  rejected?: number;
  /** The file sink's write failure while it lasts (`null` when writing works): since when, and the error. */
  write_error?: { since: string; error: string } | null;
}

export interface AuditSink {
  emit(event: AuditEvent): void;
  stats(): AuditStats;
  /** Writes what is buffered, then releases the sink. */
  close(): Promise<void>;
}

export interface AuditSinkLog {
  error(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

const SILENT: AuditSinkLog = { error() {}, warn() {} };

/**
 * How long events wait to be written together. Every file write goes through
 * libuv's thread pool (a hand-off and a wake-up each); gathering a window's
 * events into one write keeps that off the per-request cost under load.
 */
const WRITE_WINDOW_MS = 50;

/** After a failed write, the next attempt (reopening the file) waits 0.5 s doubling to 30 s, with jitter. */
const RETRY = { baseMs: 500, maxMs: 30_000 };

/**
 * JSON lines appended to a file (DB-less mode). A write that fails (disk full, file removed with its
 * folder, permissions) loses its batch, counted as dropped; the error is logged once per outage, the
 * file is reopened and written again after a backoff, and the events that arrive meanwhile wait in
 * the buffer (past it they are dropped and counted). The first write that succeeds ends the outage.
 */
export class JsonLinesAuditSink implements AuditSink {
  #queue: string[] = [];
  /** A write is scheduled or under way. */
  #writing = false;
  #timer: NodeJS.Timeout | undefined;
  #emitted = 0;
  #dropped = 0;
  #stream: fs.WriteStream | undefined;
  #outage: { since: string; error: string; failures: number; droppedBefore: number } | undefined;
  #closing = false;
  #idle: (() => void)[] = [];

  constructor(
    readonly file: string,
    private readonly capacity = 10_000,
    private readonly log: AuditSinkLog = SILENT,
    private readonly retry: { baseMs: number; maxMs: number } = RETRY,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      this.#stream = this.#open();
    } catch {
      // The first write tries again, and logs why it cannot.
    }
  }

  /** The file, opened for appending; throws when it cannot be. */
  #open(): fs.WriteStream {
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
    } catch {
      // A folder removed since start is created again; if that fails, opening says why.
    }
    const fd = fs.openSync(this.file, "a", 0o600);
    const stream = fs.createWriteStream(this.file, { fd });
    // A failing disk must not take the gateway down: the failed write's callback counts the loss.
    stream.on("error", () => {});
    return stream;
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
      this.#timer = setTimeout(() => this.#flush(), WRITE_WINDOW_MS);
    }
  }

  #flush() {
    this.#timer = undefined;
    if (this.#queue.length === 0) {
      this.#writing = false;
      for (const resolve of this.#idle.splice(0)) resolve();
      return;
    }
    const lines = this.#queue;
    this.#queue = [];
    let stream: fs.WriteStream;
    try {
      stream = this.#stream ??= this.#open();
    } catch (error) {
      this.#written(undefined, lines.length, error as Error);
      return;
    }
    stream.write(`${lines.join("\n")}\n`, (error) => this.#written(stream, lines.length, error ?? undefined));
  }

  /** After a write (or a failed open): count a lost batch, note the outage or its end, schedule the next write. */
  #written(stream: fs.WriteStream | undefined, count: number, error: Error | undefined) {
    if (error) this.#failed(stream, count, error);
    else this.#succeeded();
    // Closing: no more waiting; what cannot be written now is dropped.
    if (this.#closing && this.#outage) {
      this.#dropped += this.#queue.length;
      this.#queue = [];
    }
    const wait = this.#outage ? Math.max(WRITE_WINDOW_MS, backoffDelay(this.#outage.failures - 1, this.retry.baseMs, this.retry.maxMs)) : WRITE_WINDOW_MS;
    this.#timer = setTimeout(() => this.#flush(), this.#closing ? 0 : wait);
  }

  #failed(stream: fs.WriteStream | undefined, lost: number, error: Error) {
    this.#dropped += lost;
    // The next attempt reopens the file (it may have been deleted, or its disk remounted).
    if (stream) {
      if (stream === this.#stream) this.#stream = undefined;
      stream.destroy();
    }
    if (this.#outage) {
      this.#outage.failures++;
      return;
    }
    const code = (error as NodeJS.ErrnoException).code;
    this.#outage = { since: new Date().toISOString(), error: code ?? error.message, failures: 1, droppedBefore: this.#dropped - lost };
    // Once per outage; the error is the system's reason about the file, never an event.
    this.log.error(
      { file: this.file, error: error.message, dropped: lost },
      "cannot write the audit log; its events are dropped (counted in /status and /metrics) until a write succeeds; retrying",
    );
  }

  #succeeded() {
    if (!this.#outage) return;
    const { since, droppedBefore } = this.#outage;
    this.#outage = undefined;
    this.log.warn({ file: this.file, since, dropped: this.#dropped - droppedBefore }, "audit log writable again; events dropped meanwhile are counted");
  }

  stats(): AuditStats {
    return {
      emitted: this.#emitted,
      dropped: this.#dropped,
      buffered: this.#queue.length,
      write_error: this.#outage ? { since: this.#outage.since, error: this.#outage.error } : null,
    };
  }

  async close(): Promise<void> {
    this.#closing = true;
    if (this.#writing) {
      // A retry waiting out its backoff goes now.
      if (this.#timer) {
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => this.#flush(), 0);
      }
      await new Promise<void>((resolve) => this.#idle.push(resolve));
    }
    const stream = this.#stream;
    if (stream && !stream.destroyed) await new Promise<void>((resolve) => stream.end(resolve));
  }
}
