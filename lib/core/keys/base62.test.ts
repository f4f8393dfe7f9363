import { describe, expect, it } from "vitest";
import { BASE62, randomBase62 } from "./base62";

describe("randomBase62", () => {
  it("gives the length asked for, only letters and digits, and every one of the 62 over many draws", () => {
    expect(BASE62).toHaveLength(62);
    expect(randomBase62(0)).toBe("");
    const drawn = randomBase62(5000);
    expect(drawn).toMatch(/^[0-9A-Za-z]{5000}$/);
    expect(new Set(drawn).size).toBe(62);
  });
});
