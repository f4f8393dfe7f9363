import { describe, expect, it } from "vitest";
import { planSigningKeys, PROPAGATION_MS, ROTATE_AFTER_MS } from "./signing-keys";

const now = new Date("2026-12-03T12:00:00Z");
const key = (kid: string, ageMs: number) => ({ kid, createdAt: new Date(now.getTime() - ageMs) });
const kids = (keys: { kid: string }[]) => keys.map((k) => k.kid);

describe("planSigningKeys", () => {
  it.each([
    ["the first key signs at once", [key("first", 0)], "first", ["first"], [], false],
    ["a settled key signs, alone", [key("a", 5 * 24 * 3600_000)], "a", ["a"], [], false],
    ["a due key asks for rotation", [key("a", ROTATE_AFTER_MS)], "a", ["a"], [], true],
    ["a new key is published but waits for the gateways", [key("new", PROPAGATION_MS - 1), key("a", ROTATE_AFTER_MS + 1)], "a", ["new", "a"], [], false],
    ["once propagated it signs; the previous stays published", [key("new", PROPAGATION_MS), key("a", ROTATE_AFTER_MS + PROPAGATION_MS)], "new", ["new", "a"], [], false],
    ["the key before the previous is retired", [key("c", PROPAGATION_MS * 2), key("b", ROTATE_AFTER_MS), key("a", 2 * ROTATE_AFTER_MS)], "c", ["c", "b"], ["a"], false],
    [
      "next, current and previous at most",
      [key("d", 1), key("c", ROTATE_AFTER_MS), key("b", 2 * ROTATE_AFTER_MS), key("a", 3 * ROTATE_AFTER_MS)],
      "c",
      ["d", "c", "b"],
      ["a"],
      false,
    ],
  ])("%s", (_, keys, signing, published, retired, rotate) => {
    const plan = planSigningKeys(keys, now);
    expect(plan.signing.kid).toBe(signing);
    expect(kids(plan.published)).toEqual(published);
    expect(kids(plan.retired)).toEqual(retired);
    expect(plan.rotate).toBe(rotate);
  });
});
