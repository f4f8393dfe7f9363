import { describe, expect, it } from "vitest";
import { ConsoleError } from "./errors";
import { assertRoomForKey, cappedKeyExpiry, replacementKeyExpiry, rolledKeyExpiry } from "./key-policy";

const now = new Date("2026-11-26T12:00:00.000Z");
const at = (iso: string) => new Date(iso);
const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000);

function thrown(run: () => unknown): ConsoleError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConsoleError) return error;
    throw error;
  }
  throw new Error("expected a ConsoleError");
}

describe("roll overlap: when the old key stops working", () => {
  it.each([
    ["no overlap: now", null, 0, "2026-11-26T12:00:00.000Z"],
    ["1 hour", null, 3_600, "2026-11-26T13:00:00.000Z"],
    ["24 hours", null, 86_400, "2026-11-27T12:00:00.000Z"],
    ["7 days", null, 7 * 86_400, "2026-12-03T12:00:00.000Z"],
    ["a few seconds", null, 5, "2026-11-26T12:00:05.000Z"],
    ["the overlap, when the key would have lived longer", "2027-01-01T00:00:00.000Z", 86_400, "2026-11-27T12:00:00.000Z"],
    ["its own expiry, when that comes before the end of the overlap", "2026-11-26T12:30:00.000Z", 3_600, "2026-11-26T12:30:00.000Z"],
  ])("%s", (_, current, overlap, expected) => {
    expect(rolledKeyExpiry(current ? at(current) : null, overlap, now).toISOString()).toBe(expected);
  });
});

describe("the replacement key's expiry", () => {
  const created = at("2026-10-27T12:00:00.000Z");
  it("keeps the old key's lifetime, counted from now", () => {
    expect(replacementKeyExpiry({ createdAt: created, expiresAt: at("2026-11-26T12:00:00.000Z") }, null, now)).toEqual(inDays(30));
  });
  it("has none when the old key had none and there is no maximum", () => {
    expect(replacementKeyExpiry({ createdAt: created, expiresAt: null }, null, now)).toBeNull();
  });
  it("is capped by the maximum lifetime, also for a key that never expired", () => {
    expect(replacementKeyExpiry({ createdAt: created, expiresAt: at("2027-10-27T12:00:00.000Z") }, 90, now)).toEqual(inDays(90));
    expect(replacementKeyExpiry({ createdAt: created, expiresAt: null }, 90, now)).toEqual(inDays(90));
  });
  it("keeps a lifetime shorter than the maximum", () => {
    expect(replacementKeyExpiry({ createdAt: created, expiresAt: at("2026-11-03T12:00:00.000Z") }, 90, now)).toEqual(inDays(7));
  });
});

describe("maximum key lifetime in self-service", () => {
  it("passes any expiry, or none, when admins set no maximum", () => {
    expect(cappedKeyExpiry(null, null, now)).toBeNull();
    expect(cappedKeyExpiry(inDays(3650), null, now)).toEqual(inDays(3650));
  });

  it("passes an expiry up to the maximum", () => {
    expect(cappedKeyExpiry(inDays(7), 30, now)).toEqual(inDays(7));
    expect(cappedKeyExpiry(inDays(30), 30, now)).toEqual(inDays(30));
  });

  it("trims an expiry a browser clock a minute ahead computed, instead of refusing it", () => {
    expect(cappedKeyExpiry(new Date(inDays(30).getTime() + 60_000), 30, now)).toEqual(inDays(30));
  });

  it.each([
    ["a key that never expires", null],
    ["an expiry past the maximum", inDays(31)],
  ])("refuses %s with a field error naming the last allowed date", (_, requested) => {
    const error = thrown(() => cappedKeyExpiry(requested, 30, now));
    expect(error.status).toBe(400);
    expect(error.fields).toEqual({ expiresAt: "keys expire within 30 day(s) at most: pick a date up to 2026-12-26" });
  });
});

describe("limit of active keys per consumer", () => {
  it("allows a key while the consumer is under its limit", () => {
    expect(() => assertRoomForKey(9, 10, "create")).not.toThrow();
  });

  it.each([
    ["create", 10, 10, "This consumer already has 10 active key(s); the limit is 10. Revoke a key you no longer use first."],
    ["roll", 3, 3, "This consumer already has 3 active key(s); the limit is 3. Revoke a key you no longer use, or roll with no overlap."],
    ["create", 12, 10, "This consumer already has 12 active key(s); the limit is 10. Revoke a key you no longer use first."],
  ] as const)("refuses to %s at %i of %i with a 409 that says what to do", (action, active, limit, message) => {
    const error = thrown(() => assertRoomForKey(active, limit, action));
    expect(error.status).toBe(409);
    expect(error.message).toBe(message);
  });
});
