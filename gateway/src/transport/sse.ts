// Relays a Server-Sent Events stream event by event. Events split across
// chunks are reassembled; every line of an event the gateway does not change
// (ids, `retry:`, comments, data) passes byte for byte. When nothing has been
// sent for a while, a comment line keeps the stream alive so idle-body
// timeouts on the client side do not cut it.
import { StringDecoder } from "node:string_decoder";
import { Transform, type TransformCallback } from "node:stream";

// An event ends at an empty line; a line ends in CRLF, LF or CR (WHATWG HTML §9.2.5).
// `\r(?!\n)` keeps a CRLF from being read as two line ends.
export const EVENT_END = /(?:\r\n|\n|\r(?!\n))(?:\r\n|\n|\r(?!\n))/;
const LINE_END = /\r\n|\n|\r/;

/** Returns replacement data (JSON text) for an event's data, or undefined to pass the event untouched. */
export type RewriteData = (data: string) => string | undefined;

/** Joins an event's `data:` lines as the SSE spec does; undefined when it has none. */
export function eventData(event: string): string | undefined {
  let data: string | undefined;
  for (const line of event.split(LINE_END)) {
    if (!line.startsWith("data")) continue;
    const rest = line.slice(4);
    if (rest !== "" && rest[0] !== ":") continue;
    const value = rest.startsWith(": ") ? rest.slice(2) : rest.slice(1);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data;
}

/** The event with its data lines replaced by one `data:` line holding `json`, every other line kept in place. */
function replaceEventData(event: string, json: string): string {
  const out: string[] = [];
  let written = false;
  for (const line of event.split(LINE_END)) {
    const isData = line === "data" || line.startsWith("data:");
    if (!isData) out.push(line);
    else if (!written) {
      out.push(`data: ${json}`);
      written = true;
    }
  }
  return out.join("\n");
}

function rewriteEvent(event: string, rewrite: RewriteData, hint: string): string {
  // Cheap test first: most events (progress, results of other methods) cannot need a change.
  if (!event.includes(hint)) return event;
  const data = eventData(event);
  const replacement = data === undefined ? undefined : rewrite(data);
  return replacement === undefined ? event : replaceEventData(event, replacement);
}

export interface SseRelayOptions {
  rewrite?: RewriteData;
  /** A substring every event that `rewrite` may change contains. */
  hint?: string;
  keepAliveMs: number;
}

export class SseRelay extends Transform {
  #decoder = new StringDecoder("utf8");
  #pending = "";
  #timer: NodeJS.Timeout;

  constructor(private readonly options: SseRelayOptions) {
    super();
    this.#timer = setTimeout(() => this.#keepAlive(), options.keepAliveMs);
    this.#timer.unref();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#pending += this.#decoder.write(chunk);
    let out = "";
    for (let match = EVENT_END.exec(this.#pending); match; match = EVENT_END.exec(this.#pending)) {
      const end = match.index + match[0].length;
      const event = this.#pending.slice(0, match.index);
      out += (this.options.rewrite ? rewriteEvent(event, this.options.rewrite, this.options.hint ?? "") : event) + match[0];
      this.#pending = this.#pending.slice(end);
    }
    if (out) this.#send(out);
    done();
  }

  override _flush(done: TransformCallback): void {
    this.#pending += this.#decoder.end();
    // A stream that ends mid-event: pass what arrived (the client discards an unterminated event).
    if (this.#pending) this.#send(this.#pending);
    this.#pending = "";
    clearTimeout(this.#timer);
    done();
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    clearTimeout(this.#timer);
    done(error);
  }

  #send(text: string) {
    this.push(text);
    this.#timer.refresh();
  }

  #keepAlive() {
    // Only between events: a comment inside a half-received event would end it early.
    if (this.#pending === "") this.push(": keep-alive\n\n");
    this.#timer.refresh();
  }
}
