// Which JSON-RPC responses the answer to a POST may carry: answers to that
// POST's own requests, by id. A client matches a response to its pending
// request by id on any stream (the MCP SDK does), so a response with another
// id — say, the id of a tools/list the client sent on another POST — would
// resolve that other request with bytes the gateway never judged as its answer.
//
// The check reads the answer as the bytes go by, without parsing it into a
// value: it follows JSON's strings and brackets and looks only at the members
// of each message (the top-level object, or each object of a top-level array).
// A message that has a member folding to `result` or `error` (Go's
// case-insensitive decoding; `reſult` counts) is a response, and every member
// folding to `id` it has — duplicates included, so first-wins, last-wins and
// case-insensitive decoders all read an id that was checked — must be one of
// the POST's request ids, compared as JSON values (1 is not "1"). An error
// response may have id null (no request has it). Requests and notifications
// the upstream sends to the client (sampling, elicitation, progress) have no
// result or error and pass. A second JSON value after the first is refused.
// Nothing is held: the check says at which byte the answer went wrong, and
// the caller sends nothing from there on, so the client never gets a
// complete message that failed.
import { GatewayError } from "../errors";
import { foldKey } from "./key-fold";
import type { ParsedBody } from "./message";

export type RequestIds = ReadonlySet<string | number>;

/** The ids the answer to this POST may answer. */
export function requestIdsOf(body: ParsedBody | undefined): RequestIds {
  const ids = new Set<string | number>();
  for (const m of body?.messages ?? []) if (m.kind === "request") ids.add(m.id);
  return ids;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
/** Keys and ids longer than this are not read: a key is refused (fail closed), an id never matches. */
const MAX_CAPTURE = 4096;
/** Bytes of a string read one by one before the rest of it is searched natively. */
const SHORT_STRING = 48;
const BAD = Symbol("unreadable id");
const REFUSAL = "The server answered a request that was not sent with this one, so the answer was not passed on";

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** A UTF-8 BOM's bytes: skipped before the value only (a client may strip one there), nowhere else. */
function isBomByte(byte: number): boolean {
  return byte === 0xef || byte === 0xbb || byte === 0xbf;
}

type Role = "none" | "key" | "id";

type ReadId = string | number | null | typeof BAD;

/** A response's ids (every member folding to `id`) and whether it holds a result. */
interface ReadResponse {
  ids: ReadId[];
  result: boolean;
}

/** Why a response answers no request of this POST, or undefined when it answers one. */
function wrongId(response: ReadResponse, expected: RequestIds): string | undefined {
  const ids = response.ids.length === 0 ? [null] : response.ids;
  for (const id of ids) {
    const fine = id === null ? !response.result : id !== BAD && expected.has(id);
    if (!fine) return `a response with id ${id === BAD ? "(unreadable)" : JSON.stringify(id)}, which no request of this POST has`;
  }
  return undefined;
}

/** One answer (a JSON body, or one SSE event's data), fed in pieces. */
export class AnswerIdCheck {
  #depth = 0;
  #topStarted = false;
  #topClosed = false;
  #topScalar = false;
  #messageDepth = 1;
  #inString = false;
  #escaped = false;
  #role: Role = "none";
  #capture: number[] = [];
  #captureEscaped = false;
  #overflow = false;
  // The message being read.
  #inMessage = false;
  #expectKey = false;
  #afterColon = false;
  #key: "id" | "result" | "error" | "other" = "other";
  #idScalar = false;
  #ids: ReadId[] = [];
  /** Without expected ids: the responses read, to be checked later (readAnswer). */
  readonly responses: ReadResponse[] = [];
  #sawResult = false;
  #sawError = false;
  #badKey = false;
  #failure: GatewayError | undefined;

  constructor(private readonly expected: RequestIds | undefined) {}

  /** Why the answer was refused, once feed returned an index. */
  get failure(): GatewayError | undefined {
    return this.#failure;
  }

  /** Reads bytes[start, end): -1 when all is well, else the index of the byte from which nothing may be sent. */
  feed(bytes: Uint8Array, start = 0, end = bytes.length): number {
    if (this.#failure) return start;
    // A view of just these bytes: the look-ahead below never searches past them.
    if (start !== 0 || end !== bytes.length) {
      const at = this.feed(bytes.subarray(start, end));
      return at === -1 ? -1 : at + start;
    }
    // Where the next quote and backslash are (-2: not looked for yet, -1: none): the text of a
    // string nobody reads is skipped at once, each byte looked at once however many strings there are.
    // A short string is read here; past SHORT_STRING bytes the rest is found natively (a native
    // indexOf costs more than reading a few bytes, and a list holds thousands of short strings).
    let nextQuote = -2;
    let nextBackslash = -2;
    for (let i = start; i < end; i++) {
      if (this.#inString && this.#role === "none" && !this.#escaped) {
        let stop = i;
        const near = Math.min(end, i + SHORT_STRING);
        while (stop < near && bytes[stop] !== QUOTE && bytes[stop] !== BACKSLASH) stop++;
        if (stop === near && near < end) {
          if (nextQuote !== -1 && nextQuote < stop) nextQuote = bytes.indexOf(QUOTE, stop);
          if (nextBackslash !== -1 && nextBackslash < stop) nextBackslash = bytes.indexOf(BACKSLASH, stop);
          stop = Math.min(nextQuote === -1 || nextQuote >= end ? end : nextQuote, nextBackslash === -1 || nextBackslash >= end ? end : nextBackslash);
        }
        if (stop === end) break;
        i = stop;
      }
      const b = bytes[i]!;
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (b === BACKSLASH) {
          this.#escaped = true;
          this.#captureEscaped = true;
        } else if (b === QUOTE) {
          this.#inString = false;
          if (this.#endString()) return i;
          continue;
        }
        if (this.#role !== "none") this.#keep(b);
        continue;
      }
      if (isSpace(b) || (!this.#topStarted && isBomByte(b))) {
        if (this.#idScalar) this.#endIdScalar();
        if (this.#topScalar) this.#closeTop();
        continue;
      }
      if (this.#topClosed) return this.#fail(i, "a second JSON value after the answer");
      switch (b) {
        case QUOTE:
          this.#startValue();
          this.#inString = true;
          if (this.#atMembers() && this.#expectKey) {
            this.#expectKey = false;
            this.#role = "key";
            this.#startCapture();
          }
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          if (this.#depth === 0) {
            this.#topStarted = true;
            this.#messageDepth = b === OPEN_ARRAY ? 2 : 1;
            this.#depth = 1;
            if (b === OPEN_OBJECT) this.#startMessage();
            break;
          }
          if (this.#depth === 1 && this.#messageDepth === 2 && b === OPEN_OBJECT) {
            this.#depth = 2;
            this.#startMessage();
            break;
          }
          if (this.#atMembers() && this.#afterColon && this.#key === "id") this.#ids.push(BAD);
          this.#startValue();
          this.#depth++;
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          if (this.#idScalar) this.#endIdScalar();
          if (this.#depth === 0) return this.#fail(i, "unbalanced brackets");
          this.#depth--;
          if (this.#inMessage && this.#depth === this.#messageDepth - 1 && this.#endMessage()) return i;
          if (this.#depth === 0) this.#closeTop();
          break;
        case COLON:
          if (this.#atMembers()) this.#afterColon = true;
          break;
        case COMMA:
          if (this.#idScalar) this.#endIdScalar();
          if (this.#atMembers()) {
            this.#expectKey = true;
            this.#afterColon = false;
          }
          break;
        default:
          if (this.#depth === 0) {
            this.#topStarted = true;
            this.#topScalar = true;
          } else if (this.#atMembers() && this.#afterColon && this.#key === "id") {
            this.#afterColon = false;
            this.#idScalar = true;
            this.#role = "id";
            this.#startCapture();
          }
          if (this.#idScalar) this.#keep(b);
      }
    }
    return -1;
  }

  /** Reads a whole answer: throws the refusal when it answers a request it was not sent. */
  check(bytes: Uint8Array): void {
    if (this.feed(bytes) !== -1) throw this.#failure!;
  }

  #atMembers(): boolean {
    return this.#inMessage && this.#depth === this.#messageDepth;
  }

  #startValue() {
    if (!this.#atMembers() || !this.#afterColon) return;
    this.#afterColon = false;
    this.#role = this.#key === "id" ? "id" : "none";
    this.#startCapture();
  }

  #startCapture() {
    this.#capture = [];
    this.#captureEscaped = false;
    this.#overflow = false;
  }

  #startMessage() {
    this.#inMessage = true;
    this.#expectKey = true;
    this.#afterColon = false;
    this.#ids = [];
    this.#sawResult = false;
    this.#sawError = false;
    this.#badKey = false;
  }

  #keep(byte: number) {
    if (this.#capture.length < MAX_CAPTURE) this.#capture.push(byte);
    else this.#overflow = true;
  }

  #captured(): string | undefined {
    if (this.#overflow) return undefined;
    // Member names and ids are short and mostly ASCII: no buffer for those.
    const text = this.#capture.every((b) => b < 0x80) ? String.fromCharCode(...this.#capture) : Buffer.from(this.#capture).toString("utf8");
    if (!this.#captureEscaped) return text;
    try {
      return JSON.parse(`"${text}"`) as string;
    } catch {
      return undefined;
    }
  }

  /** A string ended; true when that failed the answer. */
  #endString(): boolean {
    const role = this.#role;
    this.#role = "none";
    if (role === "key") {
      const key = this.#captured();
      if (key === undefined) this.#badKey = true;
      const fold = key === undefined ? "" : foldKey(key);
      this.#key = fold === "id" || fold === "result" || fold === "error" ? fold : "other";
      if (fold === "result") this.#sawResult = true;
      if (fold === "error") this.#sawError = true;
    } else if (role === "id") {
      const id = this.#captured();
      this.#ids.push(id ?? BAD);
    }
    if (this.#depth === 0) this.#closeTop();
    return false;
  }

  #endIdScalar() {
    this.#idScalar = false;
    this.#role = "none";
    const text = this.#overflow ? "" : Buffer.from(this.#capture).toString("latin1");
    let id: unknown = BAD;
    try {
      id = JSON.parse(text);
    } catch {
      // Not JSON (NaN, a cut token): no request has that id.
    }
    // An integer past 2^53 reads as a neighbour's double: no request can be told to have it.
    const exact = typeof id === "number" && Number.isFinite(id) && (!Number.isInteger(id) || Number.isSafeInteger(id));
    this.#ids.push(id === null || exact ? (id as number | null) : BAD);
  }

  #closeTop() {
    this.#topScalar = false;
    if (this.#topStarted && this.#depth === 0) this.#topClosed = true;
  }

  /** A message ended; true when it answers a request this POST did not send. */
  #endMessage(): boolean {
    this.#inMessage = false;
    if (this.#badKey) return this.#fail(0, "a member name that cannot be read") !== -1;
    if (!this.#sawResult && !this.#sawError) return false;
    const response = { ids: this.#ids, result: this.#sawResult };
    if (this.expected === undefined) {
      this.responses.push(response);
      return false;
    }
    const wrong = wrongId(response, this.expected);
    return wrong !== undefined && this.#fail(0, wrong) !== -1;
  }

  #fail(at: number, detail: string): number {
    this.#failure = new GatewayError("upstream_invalid", REFUSAL, detail);
    return at;
  }
}

/**
 * What a whole answer says it answers, read once per answer object: the tools/list filter hands out the
 * same bytes for the same upstream text, so a list answered again is not read again (never mutated).
 * Only such answers are remembered: a WeakMap entry per fresh answer would cost more than it saves.
 */
const readAnswers = new WeakMap<Uint8Array, ReadResponse[] | { unreadable: string }>();

function readAnswer(bytes: Uint8Array): ReadResponse[] | { unreadable: string } {
  let read = readAnswers.get(bytes);
  if (read === undefined) {
    const check = new AnswerIdCheck(undefined);
    read = check.feed(bytes) === -1 ? check.responses : { unreadable: check.failure!.detail! };
    readAnswers.set(bytes, read);
  }
  return read;
}

/**
 * Throws the refusal when a whole answer (a JSON body, an event's data) answers a request this POST did not send;
 * `handedOutAgain`: the same bytes object comes back for later answers (the tools/list filter's cache).
 */
export function checkAnswer(answer: Uint8Array | string, expected: RequestIds, handedOutAgain = false): void {
  if (!handedOutAgain) return new AnswerIdCheck(expected).check(typeof answer === "string" ? Buffer.from(answer) : answer);
  const read = readAnswer(typeof answer === "string" ? Buffer.from(answer) : answer);
  // A new error each time: a refusal carries the request's id.
  if (!Array.isArray(read)) throw new GatewayError("upstream_invalid", REFUSAL, read.unreadable);
  for (const response of read) {
    const wrong = wrongId(response, expected);
    if (wrong !== undefined) throw new GatewayError("upstream_invalid", REFUSAL, wrong);
  }
}
