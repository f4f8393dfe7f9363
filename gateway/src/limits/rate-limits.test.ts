// Which limiter decides, without a Redis to talk to: the in-process one by
// default; with a Redis that cannot be reached, the local fallback — degraded,
// said once in the log and counted once per spell. (Redis itself: npm run test:cluster.)
import { afterEach, describe, expect, it } from "vitest";
import net from "node:net";
import type { Admission } from "./admission";
import { compileLimits, matchLimits } from "./limit-rules";
import { RateLimits } from "./rate-limits";

const [rule] = matchLimits(compileLimits("s", [{ subject: "*", tool: "*", per_minute: 2 }]), { username: "u", groups: [] }, "t");
const charges = [{ rule: rule!, consumer: "u", cost: 1 }];

function logged() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  return {
    lines,
    log: {
      info: (fields: Record<string, unknown>, message: string) => lines.push({ level: "info", message, fields }),
      warn: (fields: Record<string, unknown>, message: string) => lines.push({ level: "warn", message, fields }),
    },
  };
}

let limits: RateLimits | undefined;
afterEach(() => limits?.close());

const admittedOf = async (results: (Admission | Promise<Admission>)[]) => (await Promise.all(results.map((r) => Promise.resolve(r)))).filter((a) => a.ok).length;

/** A port nothing listens on: bound, read, closed. */
async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("RateLimits", () => {
  it("decides in process when no Redis is configured", async () => {
    limits = new RateLimits({}, logged().log);
    limits.configure(undefined);
    expect(await admittedOf([1, 2, 3].map(() => limits!.acquire(charges)))).toBe(2);
    expect(limits.status()).toEqual({ backend: "local", degraded: false, reason: null, live_gateways: null, fallbacks: 0 });
  });

  it("falls back to the local limiter while Redis cannot be reached, and counts the fallback once", async () => {
    const { lines, log } = logged();
    limits = new RateLimits({ PORTCULLIS_REDIS_URL: `redis://:secret@127.0.0.1:${await unusedPort()}` }, log);
    limits.configure(undefined);
    expect(await admittedOf([1, 2, 3, 4].map(() => limits!.acquire(charges)))).toBe(2);
    const status = limits.status();
    expect(status).toMatchObject({ backend: "redis", degraded: true, live_gateways: 1, fallbacks: 1 });
    expect(lines.filter((l) => l.level === "warn")).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain("secret");
  });

  it("says why when the Redis CA file cannot be read, and still limits", async () => {
    limits = new RateLimits({}, logged().log);
    limits.configure({ url: "rediss://redis.internal:6380", ca_file: "/nonexistent/ca.pem", key_prefix: "portcullis:", slot_lease_seconds: 60 });
    expect(limits.status()).toMatchObject({ backend: "redis", degraded: true, reason: expect.stringContaining("cannot read the Redis CA file /nonexistent/ca.pem"), fallbacks: 1 });
    expect(await admittedOf([1, 2, 3].map(() => limits!.acquire(charges)))).toBe(2);
  });

  it("returns to the in-process limiter when a new configuration drops the redis section", async () => {
    limits = new RateLimits({}, logged().log);
    limits.configure({ url: `redis://127.0.0.1:${await unusedPort()}`, key_prefix: "portcullis:", slot_lease_seconds: 60 });
    await limits.acquire(charges);
    expect(limits.status().degraded).toBe(true);
    limits.configure(undefined);
    expect(limits.status()).toMatchObject({ backend: "local", degraded: false });
  });
});
