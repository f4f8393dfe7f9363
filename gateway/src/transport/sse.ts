// Relays a Server-Sent Events stream. An inspected stream's chunks are scanned
// once, for line ends only (WHATWG HTML §9.2.5: a line ends in CRLF, LF or CR;
// an event ends at an empty line), so the cost is linear in the bytes carried
// whatever the size of an event. A stream nobody inspects passes chunk by
// chunk as it arrives, unscanned: only its last bytes are kept, which say
// whether it stands between events (where a keep-alive may go). An inspected stream is held one event at a time: the event's data
// goes to the rewrite and the event passes byte for byte unless the rewrite
// replaces its data; `id:`, `event:`, `retry:` and comment lines are always
// kept. When nothing has been sent for a while, a comment line keeps the
// stream alive so idle-body timeouts on the client side do not cut it.
// Anything that goes wrong inside the relay fails this one stream closed: the
// client gets a JSON-RPC error event and the stream ends.
import { Transform, type TransformCallback } from "node:stream";
import { GatewayError, jsonRpcErrorResponse } from "../errors";
import type { AnswerIdCheck } from "../jsonrpc/answer-ids";

// `\r(?!\n)` keeps a CRLF from being read as two line ends (used on whole texts only).
export const EVENT_END = /(?:\r\n|\n|\r(?!\n))(?:\r\n|\n|\r(?!\n))/;
const LINE_END = /\r\n|\n|\r/g;
const CR = 0x0d;
const LF = 0x0a;
const BOM = "\uFEFF";
const JOINING_LF = Buffer.from("\n");
// A data line's first bytes (latin1 view), with or without a BOM (see dataValue).
const UTF8_BOM = "\xef\xbb\xbf";
const DATA_PREFIXES = new Set(["data:", `${UTF8_BOM}data:`]);
const DATA_ALONE = new Set(["data", `${UTF8_BOM}data`]);
const DATA_STARTS = new Set([...DATA_PREFIXES].flatMap((whole) => [...whole].map((_, n) => whole.slice(0, n + 1))));

/**
 * The rewrite contract: called with an event's data (its `data:` lines joined
 * as the SSE spec does, never empty). Returns the replacement data, or
 * undefined to pass the event untouched; throws when the data cannot be
 * judged (unparseable, too deep, anything), which fails the stream closed.
 */
/** One JSON-RPC message as an SSE event, as MCP's Streamable HTTP sends them. */
export function sseMessage(message: unknown): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}

export type RewriteData = (data: string) => string | undefined;

interface Line {
  text: string;
  end: string;
}

function splitLines(event: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  LINE_END.lastIndex = 0;
  for (let match = LINE_END.exec(event); match; match = LINE_END.exec(event)) {
    lines.push({ text: event.slice(start, match.index), end: match[0] });
    start = match.index + match[0].length;
  }
  if (start < event.length) lines.push({ text: event.slice(start), end: "" });
  return lines;
}

/** The value of a `data` line, or undefined for any other line. */
function dataValue(line: string): string | undefined {
  // Only a stream's first line may start with a BOM for a conforming client; a
  // lenient one may strip it anywhere, so the gateway reads such a line as data too.
  const text = line.startsWith(BOM) ? line.slice(1) : line;
  if (!text.startsWith("data")) return undefined;
  if (text.length === 4) return "";
  if (text[4] !== ":") return undefined;
  return text[5] === " " ? text.slice(6) : text.slice(5);
}

function joinData(lines: readonly string[]): string | undefined {
  let data: string | undefined;
  for (const line of lines) {
    const value = dataValue(line);
    if (value !== undefined) data = data === undefined ? value : `${data}\n${value}`;
  }
  return data;
}

/** Joins an event's `data:` lines as the SSE spec does; undefined when it has none. */
export function eventData(event: string): string | undefined {
  return joinData(splitLines(event).map((l) => l.text));
}

/** The event with its data lines replaced by the replacement's lines, every other line and line end kept in place. */
function replaceEventData(lines: readonly Line[], replacement: string): string {
  let out = "";
  let written = false;
  for (const line of lines) {
    if (dataValue(line.text) === undefined) out += line.text + line.end;
    else if (!written) {
      out += replacement
        .split(LINE_END)
        .map((value) => `data: ${value}\n`)
        .join("");
      written = true;
    }
  }
  return out;
}

/** What an inspected event becomes: its own bytes, or the text with the rewritten data. */
function inspectEvent(bytes: Buffer, rewrite: RewriteData): Buffer | string {
  // Events end at ASCII bytes, so a whole event never splits a UTF-8 character.
  const lines = splitLines(bytes.toString("utf8"));
  const data = joinData(lines.map((l) => l.text));
  // No data, or empty data (a 2025-11-25 priming event): nothing to judge.
  if (data === undefined || data === "") return bytes;
  const replacement = rewrite(data);
  return replacement === undefined ? bytes : replaceEventData(lines, replacement);
}

/** The one event a failed stream ends with (`event: message`, as the MCP SDK expects). */
function errorEvent(failure: GatewayError): string {
  return `event: message\ndata: ${JSON.stringify(jsonRpcErrorResponse(null, failure))}\n\n`;
}

export interface SseRelayOptions {
  /** Set when the stream must be inspected; see RewriteData for the contract. */
  rewrite?: RewriteData;
  /** The largest event an inspected stream may hold (`gateway.max_sse_event_bytes`). */
  maxEventBytes: number;
  keepAliveMs: number;
  /**
   * For a stream that is not held (no rewrite): a check each event's data goes
   * through as it passes (jsonrpc/answer-ids.ts); where it fails, nothing more
   * of the event is sent and the stream fails closed.
   */
  check?: () => AnswerIdCheck;
  /** Told once when the relay fails the stream closed, before the error event goes out. */
  onInvalid?: (failure: GatewayError) => void;
}

/**
 * Whether a stream whose last bytes are `tail` (at most 3; fewer only when the
 * stream is that short) stands between events: nothing sent yet, or its last
 * line end closes an empty line. A CRLF is one line end; a CR that an LF may
 * still follow already ends its line.
 */
export function endsBetweenEvents(tail: Uint8Array): boolean {
  let end = tail.length;
  if (end === 0) return true;
  const last = tail[end - 1];
  if (last !== LF && last !== CR) return false;
  end -= last === LF && tail[end - 2] === CR ? 2 : 1;
  return end === 0 || tail[end - 1] === LF || tail[end - 1] === CR;
}

/** The last 3 bytes of a stream after `chunk`, copied: a view would keep the whole chunk alive while the stream idles. */
export function streamTail(tail: Uint8Array, chunk: Uint8Array): Uint8Array {
  if (chunk.length === 0) return tail;
  const fromChunk = Math.min(chunk.length, 3);
  const kept = Math.min(3 - fromChunk, tail.length);
  const next = new Uint8Array(kept + fromChunk);
  next.set(tail.subarray(tail.length - kept));
  next.set(chunk.subarray(chunk.length - fromChunk), kept);
  return next;
}

export class SseRelay extends Transform {
  #timer: NodeJS.Timeout;
  /** The previous byte was a CR: an LF that follows belongs to the same line end. */
  #afterCr = false;
  /** No byte other than a line end since the last line end. */
  #lineEmpty = true;
  /** Bytes of the current event so far; 0 between events. */
  #eventBytes = 0;
  /** An uninspected stream's last bytes sent (up to 3). */
  #tail: Uint8Array = new Uint8Array(0);
  /** An inspected stream's current event, held until its empty line arrives. */
  #held: Buffer[] = [];
  #failure: GatewayError | undefined;
  // A checked stream's place in its current line: the line's first bytes until they say
  // whether it is a data line, then "data" (its value goes to the check) or "other".
  #line: "start" | "space" | "data" | "other" = "start";
  #prefix: number[] = [];
  #checkAfterCr = false;
  #eventCheck: AnswerIdCheck | undefined;

  constructor(private readonly options: SseRelayOptions) {
    super();
    this.#timer = setTimeout(() => this.#keepAlive(), options.keepAliveMs);
    this.#timer.unref();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.#failure) return done();
    try {
      if (this.options.rewrite) this.#relayInspected(chunk, this.options.rewrite);
      else if (this.options.check) this.#relayChecked(chunk, this.options.check);
      else {
        this.#tail = streamTail(this.#tail, chunk);
        this.#send(chunk);
      }
    } catch (error) {
      this.#fail(error);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    clearTimeout(this.#timer);
    // A stream that ends mid-event: a conforming client discards the unterminated
    // event (§9.2.6), a lenient one may not. A held one is judged like any other and
    // sent terminated, so either client reads the judged answer (or the stream's error).
    const held = this.#held;
    this.#held = [];
    if (!this.#failure && held.length > 0 && this.options.rewrite) {
      try {
        const judged = inspectEvent(Buffer.concat(held), this.options.rewrite);
        this.#send(judged);
        this.#send(judged.at(-1) === (typeof judged === "string" ? "\n" : LF) ? "\n" : "\n\n");
      } catch (error) {
        this.#fail(error);
      }
    }
    done();
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    clearTimeout(this.#timer);
    done(error);
  }

  /**
   * Walks the line ends of `chunk`, calling `eventStart(i)` where an event's first
   * byte is and `eventEnd(i)` just past the line end of the empty line that ends it.
   */
  #scan(chunk: Buffer, eventStart: (at: number) => void, eventEnd: (at: number) => void) {
    let i = 0;
    if (this.#afterCr && chunk[0] === LF) {
      if (this.#eventBytes > 0) this.#eventBytes++;
      i = 1;
    }
    this.#afterCr = false;
    let nextCr = -2;
    let nextLf = -2;
    while (i < chunk.length) {
      if (nextCr !== -1 && nextCr < i) nextCr = chunk.indexOf(CR, i);
      if (nextLf !== -1 && nextLf < i) nextLf = chunk.indexOf(LF, i);
      const end = nextCr === -1 ? nextLf : nextLf === -1 ? nextCr : Math.min(nextCr, nextLf);
      const contentEnd = end === -1 ? chunk.length : end;
      if (contentEnd > i) {
        if (this.#eventBytes === 0) eventStart(i);
        this.#eventBytes += contentEnd - i;
        this.#lineEmpty = false;
      }
      if (end === -1) break;
      let after = end + 1;
      if (chunk[end] === CR) {
        if (after === chunk.length) this.#afterCr = true;
        else if (chunk[after] === LF) after++;
      }
      if (this.#eventBytes > 0) this.#eventBytes += after - end;
      if (this.#lineEmpty && this.#eventBytes > 0) {
        this.#eventBytes = 0;
        eventEnd(after);
      }
      this.#lineEmpty = true;
      i = after;
    }
  }

  #relayInspected(chunk: Buffer, rewrite: RewriteData) {
    const out: (Buffer | string)[] = [];
    // Bytes of `chunk` from `from` on are not yet sent nor held.
    let from = 0;
    // Events completed before a failure still go out: the output does not depend on how the stream was cut.
    try {
      this.#scan(
        chunk,
        (at) => {
          if (at > from) out.push(chunk.subarray(from, at));
          from = at;
        },
        (at) => {
          this.#held.push(chunk.subarray(from, at));
          const event = Buffer.concat(this.#held);
          this.#held = [];
          this.#checkSize(event.length);
          out.push(inspectEvent(event, rewrite));
          from = at;
        },
      );
      if (from < chunk.length) {
        const rest = chunk.subarray(from);
        if (this.#eventBytes > 0) this.#held.push(rest);
        else out.push(rest);
      }
      this.#checkSize(this.#eventBytes);
    } finally {
      for (const piece of out) this.#send(piece);
    }
  }

  /** A stream that is not held, each event's data checked as it passes. */
  #relayChecked(chunk: Buffer, check: () => AnswerIdCheck) {
    const cut = this.#checkLines(chunk, check);
    const sent = cut === -1 ? chunk : chunk.subarray(0, cut);
    this.#tail = streamTail(this.#tail, sent);
    this.#send(sent);
    if (cut !== -1) throw this.#eventCheck!.failure!;
  }

  /** Walks the lines of `chunk`, feeding data values to the event's check: -1, or where the check failed. */
  #checkLines(chunk: Buffer, check: () => AnswerIdCheck): number {
    // Where the next line ends, found natively and remembered (-2: not looked for yet, -1: none in
    // this chunk): a data line can be megabytes long, and a chunk can hold thousands of short lines.
    let nextLf = -2;
    let nextCr = -2;
    const lineEnd = (from: number) => {
      if (nextLf !== -1 && nextLf < from) nextLf = chunk.indexOf(LF, from);
      if (nextCr !== -1 && nextCr < from) nextCr = chunk.indexOf(CR, from);
      return nextLf === -1 ? (nextCr === -1 ? chunk.length : nextCr) : nextCr === -1 ? nextLf : Math.min(nextLf, nextCr);
    };
    let i = 0;
    if (this.#checkAfterCr && chunk[0] === LF) i = 1;
    this.#checkAfterCr = false;
    while (i < chunk.length) {
      const b = chunk[i]!;
      if (b === CR || b === LF) {
        if (this.#line === "start" && this.#prefix.length === 0) this.#eventCheck = undefined;
        else if (this.#line === "start" && DATA_ALONE.has(String.fromCharCode(...this.#prefix))) this.#dataLine(check);
        this.#line = "start";
        this.#prefix = [];
        if (b === CR) {
          if (i + 1 === chunk.length) this.#checkAfterCr = true;
          else if (chunk[i + 1] === LF) i++;
        }
        i++;
        continue;
      }
      if (this.#line === "other") {
        i = lineEnd(i);
        continue;
      }
      if (this.#line === "start") {
        this.#prefix.push(b);
        const prefix = String.fromCharCode(...this.#prefix);
        if (DATA_PREFIXES.has(prefix)) {
          this.#line = "space";
          this.#dataLine(check);
        } else if (!DATA_STARTS.has(prefix)) this.#line = "other";
        i++;
        continue;
      }
      if (this.#line === "space") {
        this.#line = "data";
        if (b === 0x20) {
          i++;
          continue;
        }
      }
      const end = lineEnd(i);
      const failed = this.#eventCheck!.feed(chunk, i, end);
      if (failed !== -1) return failed;
      i = end;
    }
    return -1;
  }

  /** A data line starts: its value joins the event's data after a line feed, as the SSE spec joins them. */
  #dataLine(check: () => AnswerIdCheck) {
    if (this.#eventCheck === undefined) this.#eventCheck = check();
    else this.#eventCheck.feed(JOINING_LF);
  }

  #checkSize(bytes: number) {
    const max = this.options.maxEventBytes;
    if (bytes > max) throw new GatewayError("upstream_invalid", `The upstream sent an event larger than ${max} bytes`, `SSE event over ${max} bytes`);
  }

  /** Whether the client has received no part of an unfinished event (an inspected stream holds it back). */
  get #clientBetweenEvents(): boolean {
    return this.options.rewrite !== undefined || endsBetweenEvents(this.#tail);
  }

  #fail(error: unknown) {
    const failure =
      error instanceof GatewayError && error.code === "upstream_invalid"
        ? error
        : new GatewayError(
            "upstream_invalid",
            "The upstream sent a stream the gateway could not check",
            error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          );
    // An empty line first ends an event the client has partly received, so the error event stands alone.
    const text = (this.#clientBetweenEvents ? "" : "\n\n") + errorEvent(failure);
    this.#failure = failure;
    this.#held = [];
    clearTimeout(this.#timer);
    this.options.onInvalid?.(failure);
    this.push(text);
    this.push(null);
  }

  #send(piece: Buffer | string) {
    if (piece.length === 0) return;
    this.push(piece);
    this.#timer.refresh();
  }

  #keepAlive() {
    // Only between events: a comment inside a half-received event would end it early.
    if (this.#clientBetweenEvents) this.push(": keep-alive\n\n");
    this.#timer.refresh();
  }
}
