// How many calls a gateway is asking a person about at once, per server and
// consumer (docs/gateway.md, "Confirmation and approval"). A call that needs an
// approval (or a confirmation through the console) takes a slot from its claim
// until it is answered — for a call held open on SSE, the whole wait. Past the
// cap, a consumer's next such call is refused (`approval_limited`) without
// asking the console: one consumer cannot keep the console re-reading its claims
// every 1.5 s without end, while every other consumer has slots of its own.

export const DEFAULT_MAX_HELD_CALLS = 5;

export class HeldCalls {
  /** server NUL consumer → slots taken. */
  readonly #taken = new Map<string, number>();

  constructor(readonly max: number = DEFAULT_MAX_HELD_CALLS) {}

  /** A slot for one call, with its release (idempotent); undefined when the consumer's are all taken on this server. */
  take(server: string, consumer: string): (() => void) | undefined {
    const key = `${server}\u0000${consumer}`;
    const taken = this.#taken.get(key) ?? 0;
    if (taken >= this.max) return undefined;
    this.#taken.set(key, taken + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#taken.get(key) ?? 1) - 1;
      if (left <= 0) this.#taken.delete(key);
      else this.#taken.set(key, left);
    };
  }

  /** Slots taken now, for a server and consumer. */
  held(server: string, consumer: string): number {
    return this.#taken.get(`${server}\u0000${consumer}`) ?? 0;
  }
}
