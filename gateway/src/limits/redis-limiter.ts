// Counters in Redis, shared by every gateway that uses the same Redis and key
// prefix: one atomic script call per limited request (redis-scripts.ts).
// Concurrency slots are leased: this gateway renews the slots it holds every
// third of the lease, so the slots of a gateway that dies free themselves when
// their lease ends. Each gateway also heartbeats its id into a set of live
// gateways; the count is what the local fallback divides quotas by.
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import type { Redis } from "ioredis";
import { CONCURRENCY_RETRY_MS, counterKey, type Admission, type LimitCharge, type Limiter, type Refusal, type Remaining } from "./admission";
import { ACQUIRE_SCRIPT, HEARTBEAT_SCRIPT, RENEW_SCRIPT } from "./redis-scripts";

// ioredis adds ~20 MB of resident memory once loaded (measured): it is loaded only when a Redis is configured.
const loadIoredis = () => createRequire(import.meta.url)("ioredis") as typeof import("ioredis");

export interface RedisSettings {
  url: string;
  /** PEM of the CA for rediss:// with a private CA. */
  ca?: string;
  keyPrefix: string;
  slotLeaseMs: number;
  /** A command that takes longer fails, and the request is decided by the local fallback. */
  commandTimeoutMs: number;
  heartbeatMs: number;
}

interface HeldSlot {
  key: string;
  members: string[];
}

type Scripted = Redis & {
  portcullisAcquire(numberOfKeys: number, ...args: (string | number)[]): Promise<[number, number, number | string, string?]>;
  portcullisRenew(key: string, ...args: (string | number)[]): Promise<number>;
  portcullisHeartbeat(key: string, id: string, ttlMs: number): Promise<number>;
};

export class RedisLimiter implements Limiter {
  readonly id = randomUUID();
  readonly #redis: Scripted;
  readonly #held = new Set<HeldSlot>();
  readonly #timers: NodeJS.Timeout[];
  /** The last count of live gateways Redis gave (1 until it has given one). */
  liveGateways = 1;

  constructor(
    readonly settings: RedisSettings,
    events: { ready(): void; down(reason: string): void },
  ) {
    const tls = settings.url.startsWith("rediss:") ? { tls: settings.ca ? { ca: settings.ca } : {} } : {};
    const { Redis } = loadIoredis();
    this.#redis = new Redis(settings.url, {
      ...tls,
      // Fail fast rather than queue: a request waits for no reconnect, the fallback decides it.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: settings.commandTimeoutMs,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
      lazyConnect: false,
    }) as Scripted;
    this.#redis.defineCommand("portcullisAcquire", { lua: ACQUIRE_SCRIPT });
    this.#redis.defineCommand("portcullisRenew", { numberOfKeys: 1, lua: RENEW_SCRIPT });
    this.#redis.defineCommand("portcullisHeartbeat", { numberOfKeys: 1, lua: HEARTBEAT_SCRIPT });
    // A refused AUTH or TLS handshake is followed by a bare "close": keep saying what went wrong.
    let lastError: string | undefined;
    this.#redis.on("ready", () => {
      lastError = undefined;
      events.ready();
      void this.#heartbeat();
    });
    this.#redis.on("error", (error: Error) => events.down((lastError = error.message)));
    this.#redis.on("close", () => events.down(lastError ?? "connection to Redis closed"));
    this.#timers = [setInterval(() => void this.#heartbeat(), settings.heartbeatMs), setInterval(() => void this.#renew(), settings.slotLeaseMs / 3)];
    for (const timer of this.#timers) timer.unref();
  }

  get ready(): boolean {
    return this.#redis.status === "ready";
  }

  async acquire(charges: readonly LimitCharge[]): Promise<Admission> {
    const keys: string[] = [];
    const args: (string | number)[] = [];
    const refusals: Refusal[] = [];
    const slots: HeldSlot[] = [];
    const member = randomUUID();
    for (const charge of charges) {
      const key = `${this.settings.keyPrefix}limit:${counterKey(charge)}`;
      for (const window of charge.rule.windows) {
        keys.push(`${key}|${window.name}`);
        args.push("r", window.windowMs, window.quota, charge.cost);
        refusals.push({ rule: charge.rule, limit: window.name, quota: window.quota, windowMs: window.windowMs, waitMs: 0 });
      }
      if (charge.rule.concurrent !== undefined) {
        keys.push(`${key}|concurrent`);
        args.push("c", charge.rule.concurrent, CONCURRENCY_RETRY_MS, charge.cost);
        refusals.push({ rule: charge.rule, limit: "concurrent", quota: charge.rule.concurrent, windowMs: undefined, waitMs: CONCURRENCY_RETRY_MS });
        slots.push({ key: `${key}|concurrent`, members: Array.from({ length: charge.cost }, (_, j) => `${member}:${j + 1}`) });
      }
    }
    let answer: Awaited<ReturnType<Scripted["portcullisAcquire"]>>;
    try {
      answer = await this.#redis.portcullisAcquire(keys.length, ...keys, member, this.settings.slotLeaseMs, ...args);
    } catch (error) {
      // A command that timed out may still run (Redis was slow, not gone): its slots would be held for a whole
      // lease by a call the fallback decides instead. The removal queues behind it on the same connection.
      for (const slot of slots) this.#redis.zrem(slot.key, ...slot.members).catch(noop);
      throw error;
    }
    const [admitted, index, waitOrLeft, reset] = answer;
    if (admitted !== 1) return { ok: false, refusal: { ...refusals[index - 1]!, waitMs: Number(waitOrLeft) } };
    const counter = refusals[index - 1];
    const remaining: Remaining | undefined = counter && { ...counter, remaining: Number(waitOrLeft), resetMs: Number(reset) };
    if (slots.length === 0) return { ok: true, release: noop, remaining };
    for (const slot of slots) this.#held.add(slot);
    return { ok: true, release: () => this.#release(slots), remaining };
  }

  #release(slots: HeldSlot[]) {
    for (const slot of slots) {
      if (!this.#held.delete(slot)) continue;
      // Unreachable now: the lease frees the slot instead.
      this.#redis.zrem(slot.key, ...slot.members).catch(noop);
    }
  }

  async #renew() {
    if (!this.ready) return;
    await Promise.all([...this.#held].map((slot) => this.#redis.portcullisRenew(slot.key, this.settings.slotLeaseMs, ...slot.members).catch(noop)));
  }

  async #heartbeat() {
    if (!this.ready) return;
    try {
      this.liveGateways = Math.max(1, await this.#redis.portcullisHeartbeat(`${this.settings.keyPrefix}gateways`, this.id, this.settings.heartbeatMs * 3));
    } catch {
      // The next request or heartbeat notices; the last count stands.
    }
  }

  async close() {
    for (const timer of this.#timers) clearInterval(timer);
    if (this.ready) await this.#redis.zrem(`${this.settings.keyPrefix}gateways`, this.id).catch(noop);
    this.#redis.disconnect();
  }
}

const noop = () => {};
