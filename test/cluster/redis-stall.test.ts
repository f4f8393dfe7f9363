// A Redis that stalls rather than dies (a long command, a fork, a slow disk):
// the gateway's script call times out and the local fallback decides, but the
// script still runs when Redis wakes. The concurrency slot it takes must not
// outlive the call, or the consumer is refused `concurrent` for a whole lease
// with nothing in flight. Real redis-server, stalled with CLIENT PAUSE.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileLimits, matchLimits } from "../../gateway/src/limits/limit-rules";
import { RateLimits } from "../../gateway/src/limits/rate-limits";
import { startRedis, type RedisProcess } from "./support/redis-server";

let redis: RedisProcess;
let limits: RateLimits;
let probe: Redis;
const [rule] = matchLimits(compileLimits("s", [{ subject: "*", tool: "*", concurrent: 1 }]), { username: "u", groups: [] }, "t");
const charges = [{ rule: rule!, consumer: "u", cost: 1 }];
const slotKey = "portcullis:limit:s|*|*|u|concurrent";

beforeAll(async () => {
  redis = await startRedis();
  probe = new Redis(redis.url);
  limits = new RateLimits({ PORTCULLIS_REDIS_URL: redis.url }, { info() {}, warn() {} }, { commandTimeoutMs: 250 });
  limits.configure(undefined);
  // Ready once Redis decides (not the fallback): /status says so.
  while (limits.status().degraded) await new Promise((resolve) => setTimeout(resolve, 20));
});
afterAll(async () => {
  await limits?.close();
  probe?.disconnect();
  await redis?.kill();
});

describe("a Redis that stalls past the command timeout", () => {
  it("leaves no concurrency slot behind the call the fallback decided", async () => {
    const pauser = new Redis(redis.url);
    // CLIENT PAUSE answers once every other client's commands are held: the stall has begun.
    await pauser.call("CLIENT", "PAUSE", "600", "ALL");
    const during = await limits.acquire(charges);
    expect(during.ok).toBe(true);
    expect(limits.status()).toMatchObject({ degraded: true, reason: expect.stringMatching(/Redis command failed/) });
    if (during.ok) during.release();
    // Answered when the pause ends.
    await pauser.ping();
    pauser.disconnect();
    // Redis ran the timed-out script when it woke; the next call on the same connection comes after it and after
    // the slot's removal. With the slot left behind, concurrent: 1 would refuse it with nothing in flight.
    const after = await limits.acquire(charges);
    expect(after.ok).toBe(true);
    expect(limits.status().degraded).toBe(false);
    // Its own slot, and no other.
    expect(await probe.zcard(slotKey)).toBe(1);
    if (after.ok) after.release();
  });
});
