// The `requestState` of the gateway's own confirmation request (MCP 2026-07-28
// basic/patterns/mrtr): the client echoes it, unread, on the retry that carries
// the answer. Like session binding it is stateless — `pcc1.<payload>.<mac>`,
// the payload naming the call's hash, the rule's hash, when it was asked and
// when it expires, under an HMAC key derived from the master key — so any
// gateway sharing the master key accepts the answer, and nothing is stored. A
// requestState the upstream issued (a tool that asks for input itself) rides
// inside the payload, with the answers that came with it, and is handed back
// to the upstream once the call is confirmed. An accepted state is remembered
// until it expires, so one confirmation forwards one call. The same machinery
// signs the state of the gateway's request to connect an upstream account
// (pipeline/upstream-connection.ts) under its own prefix and key, so a state
// issued for one purpose is never accepted for the other.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

/** What a state is for: its prefix and the label its key is derived under. */
export interface StatePurpose {
  prefix: string;
  keyLabel: string;
}

export const CONFIRMATION_STATE: StatePurpose = { prefix: "pcc1.", keyLabel: "portcullis confirmation request state" };
export const CONNECTION_STATE: StatePurpose = { prefix: "pcu1.", keyLabel: "portcullis upstream connection request state" };

const MAC_LENGTH = 43; // base64url characters of a whole SHA-256 MAC

export interface ConfirmationPayload {
  callHash: string;
  ruleHash: string;
  /** Epoch milliseconds. */
  askedAt: number;
  expiresAt: number;
  /** The upstream's requestState and the other answers the client sent with it, to hand back once confirmed. */
  upstreamState?: string;
  upstreamResponses?: Record<string, unknown>;
}

export type ConfirmationStateCheck =
  | { kind: "ours"; payload: ConfirmationPayload }
  /** Not one of the gateway's (absent, or the upstream's own). */
  | { kind: "foreign" }
  | { kind: "invalid" }
  | { kind: "expired"; payload: ConfirmationPayload };

interface WirePayload {
  h: string;
  r: string;
  t: number;
  x: number;
  s?: string;
  i?: Record<string, unknown>;
}

function isWirePayload(value: unknown): value is WirePayload {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.h === "string" &&
    typeof v.r === "string" &&
    Number.isSafeInteger(v.t) &&
    Number.isSafeInteger(v.x) &&
    (v.s === undefined || typeof v.s === "string") &&
    (v.i === undefined || (typeof v.i === "object" && v.i !== null && !Array.isArray(v.i)))
  );
}

/**
 * Accepted states remembered until they expire, so each confirms one forwarded call. Counted per consumer (each
 * state is bound to one consumer's call hash): one past its share is refused, and the others are not; the whole is a
 * backstop for memory.
 */
export const MAX_REMEMBERED_PER_CONSUMER = 1_000;
const MAX_REMEMBERED = 100_000;

export class ConfirmationStates {
  readonly #key: Buffer;
  readonly #prefix: string;
  /** Consumer → MAC of an accepted state → its expiry (epoch ms). */
  readonly #used = new Map<string, Map<string, number>>();
  #size = 0;

  constructor(masterKey: Buffer, purpose: StatePurpose = CONFIRMATION_STATE) {
    this.#key = Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), purpose.keyLabel, 32));
    this.#prefix = purpose.prefix;
  }

  #mac(payload: string): string {
    return createHmac("sha256", this.#key).update(payload).digest("base64url");
  }

  issue(payload: ConfirmationPayload): string {
    const wire: WirePayload = { h: payload.callHash, r: payload.ruleHash, t: payload.askedAt, x: payload.expiresAt };
    if (payload.upstreamState !== undefined) wire.s = payload.upstreamState;
    if (payload.upstreamResponses !== undefined) wire.i = payload.upstreamResponses;
    const encoded = Buffer.from(JSON.stringify(wire)).toString("base64url");
    return `${this.#prefix}${encoded}.${this.#mac(encoded)}`;
  }

  /**
   * Marks an accepted state of this consumer's used; false when it already was, or when the consumer has
   * MAX_REMEMBERED_PER_CONSUMER unexpired ones. Remembered by this gateway only: behind a load balancer, a state
   * could be presented once to each gateway within its expiry (docs/gateway.md).
   */
  consume(state: string, expiresAt: number, now: number, consumer: string): boolean {
    const mac = state.slice(state.lastIndexOf(".") + 1);
    let used = this.#used.get(consumer);
    if (used?.has(mac)) return false;
    if (used !== undefined && used.size >= MAX_REMEMBERED_PER_CONSUMER) this.#forgetExpired(consumer, used, now);
    if (this.#size >= MAX_REMEMBERED) for (const [owner, states] of this.#used) this.#forgetExpired(owner, states, now);
    used = this.#used.get(consumer);
    if ((used?.size ?? 0) >= MAX_REMEMBERED_PER_CONSUMER || this.#size >= MAX_REMEMBERED) return false;
    if (used === undefined) this.#used.set(consumer, (used = new Map<string, number>()));
    used.set(mac, expiresAt);
    this.#size += 1;
    return true;
  }

  #forgetExpired(consumer: string, used: Map<string, number>, now: number) {
    for (const [mac, expiry] of used)
      if (expiry <= now) {
        used.delete(mac);
        this.#size -= 1;
      }
    if (used.size === 0) this.#used.delete(consumer);
  }

  /** What a presented requestState is; the MAC is checked before its payload is read. */
  check(state: unknown, now: number): ConfirmationStateCheck {
    if (typeof state !== "string" || !state.startsWith(this.#prefix)) return { kind: "foreign" };
    const cut = state.lastIndexOf(".");
    const encoded = state.slice(this.#prefix.length, cut);
    const presented = Buffer.from(state.slice(cut + 1));
    const expected = Buffer.from(this.#mac(encoded));
    if (cut < this.#prefix.length || presented.length !== MAC_LENGTH || presented.length !== expected.length || !timingSafeEqual(presented, expected)) return { kind: "invalid" };
    let wire: unknown;
    try {
      wire = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
    } catch {
      return { kind: "invalid" };
    }
    if (!isWirePayload(wire)) return { kind: "invalid" };
    const payload: ConfirmationPayload = { callHash: wire.h, ruleHash: wire.r, askedAt: wire.t, expiresAt: wire.x, upstreamState: wire.s, upstreamResponses: wire.i };
    return now >= payload.expiresAt ? { kind: "expired", payload } : { kind: "ours", payload };
  }
}
