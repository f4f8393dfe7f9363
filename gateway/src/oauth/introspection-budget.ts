// A token bucket per client address for introspection calls: a token the
// gateway has not validated before costs one IdP round trip, so a client
// sending random bearer strings would turn the gateway into an amplifier
// against the IdP. Known tokens are answered from the cache and cost nothing.
// Addresses are kept in insertion order and the oldest forgotten past a bound,
// so memory does not grow with the number of addresses.

const BURST = 20;
const PER_SECOND = 5;
const MAX_ADDRESSES = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class IntrospectionBudget {
  #buckets = new Map<string, Bucket>();

  constructor(
    private readonly burst = BURST,
    private readonly perSecond = PER_SECOND,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Spends one call for the address; false when its budget is used up. */
  take(address: string): boolean {
    const now = this.now();
    let bucket = this.#buckets.get(address);
    if (bucket) {
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
      bucket.at = now;
    } else {
      if (this.#buckets.size >= MAX_ADDRESSES) this.#buckets.delete(this.#buckets.keys().next().value!);
      bucket = { tokens: this.burst, at: now };
      this.#buckets.set(address, bucket);
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
