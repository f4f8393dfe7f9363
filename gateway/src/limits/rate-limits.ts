// Which limiter decides: the in-process one when no Redis is configured; with
// Redis (PORTCULLIS_REDIS_URL, or the config's `redis:` section), Redis while
// it answers, and while it does not, a local fallback whose quotas are divided
// by the number of live gateways last seen in Redis — degraded, said so on
// /status, counted in the metrics, until Redis is ready again.
import fs from "node:fs";
import type { RedisConfig } from "../../../lib/core/config/schema";
import type { Admission, LimitCharge, Limiter } from "./admission";
import { LocalLimiter } from "./local-limiter";
import { RedisLimiter, type RedisSettings } from "./redis-limiter";

export interface RateLimitsLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface RateLimitsStatus {
  backend: "local" | "redis";
  degraded: boolean;
  reason: string | null;
  live_gateways: number | null;
  fallbacks: number;
}

const COMMAND_TIMEOUT_MS = 250;
const HEARTBEAT_MS = 5_000;

export class RateLimits implements Limiter {
  readonly #local = new LocalLimiter();
  readonly #fallback = new LocalLimiter(Date.now, () => this.#redis?.liveGateways ?? 1);
  #redis: RedisLimiter | undefined;
  #settingsKey = "";
  /** Why the fallback decides, or null when Redis (or the in-process limiter alone) does. */
  #degraded: string | null = null;
  /** Whether the current spell of degradation was counted (once per spell). */
  #fellBack = false;
  #fallbacks = 0;

  constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly log: RateLimitsLog,
    private readonly timing: { heartbeatMs?: number; commandTimeoutMs?: number } = {},
  ) {}

  /** Called with each applied configuration; reconnects only when the Redis settings changed. */
  configure(config: RedisConfig | undefined) {
    const url = this.env.PORTCULLIS_REDIS_URL || config?.url;
    const caFile = this.env.PORTCULLIS_REDIS_CA_FILE || config?.ca_file;
    const key = url ? JSON.stringify([url, caFile, config?.key_prefix, config?.slot_lease_seconds]) : "";
    if (key === this.#settingsKey) return;
    this.#settingsKey = key;
    const previous = this.#redis;
    this.#redis = undefined;
    this.#degraded = null;
    this.#fellBack = false;
    void previous?.close();
    if (!url) return;
    let ca: string | undefined;
    try {
      ca = caFile ? fs.readFileSync(caFile, "utf8") : undefined;
    } catch (error) {
      this.#degrade(`cannot read the Redis CA file ${caFile}: ${(error as Error).message}`);
      return;
    }
    const settings: RedisSettings = {
      url,
      ca,
      keyPrefix: config?.key_prefix ?? "portcullis:",
      slotLeaseMs: (config?.slot_lease_seconds ?? 60) * 1000,
      commandTimeoutMs: this.timing.commandTimeoutMs ?? COMMAND_TIMEOUT_MS,
      heartbeatMs: this.timing.heartbeatMs ?? HEARTBEAT_MS,
    };
    // Until the first connection is ready, the fallback decides.
    this.#degraded = "connecting to Redis";
    const redis: RedisLimiter = new RedisLimiter(settings, {
      ready: () => {
        if (this.#redis === redis) this.#resume();
      },
      down: (reason) => {
        if (this.#redis === redis) this.#degrade(reason);
      },
    });
    this.#redis = redis;
  }

  acquire(charges: readonly LimitCharge[]): Admission | Promise<Admission> {
    const redis = this.#redis;
    if (redis === undefined) return this.#settingsKey === "" ? this.#local.acquire(charges) : this.#fallback.acquire(charges);
    if (!redis.ready) {
      this.#degrade(this.#degraded ?? "Redis is not connected");
      return this.#fallback.acquire(charges);
    }
    return redis.acquire(charges).then(
      (admission) => {
        // A timed-out command degrades without dropping the connection, so no "ready" follows it.
        if (this.#degraded !== null) this.#resume();
        return admission;
      },
      (error: Error) => {
        this.#degrade(`Redis command failed: ${error.message}`);
        return this.#fallback.acquire(charges);
      },
    );
  }

  #degrade(reason: string) {
    this.#degraded = reason;
    if (this.#fellBack) return;
    this.#fellBack = true;
    this.#fallbacks++;
    this.log.warn({ reason, live_gateways: this.#redis?.liveGateways ?? 1 }, "rate limits: Redis unavailable; each gateway enforces its share locally");
  }

  #resume() {
    if (this.#degraded === null) return;
    this.#degraded = null;
    this.#fellBack = false;
    this.log.info({ redis: redactedUrl(this.#redis!.settings.url) }, "rate limits: Redis ready; counters shared again");
  }

  status(): RateLimitsStatus {
    if (this.#settingsKey === "") return { backend: "local", degraded: false, reason: null, live_gateways: null, fallbacks: 0 };
    return { backend: "redis", degraded: this.#degraded !== null, reason: this.#degraded, live_gateways: this.#redis?.liveGateways ?? null, fallbacks: this.#fallbacks };
  }

  async close() {
    const redis = this.#redis;
    this.#settingsKey = "";
    this.#redis = undefined;
    await redis?.close();
  }
}

/** The URL without its password, for logs. */
function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}
