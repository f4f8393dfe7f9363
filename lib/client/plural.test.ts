import { describe, expect, it } from "vitest";
import { plural } from "./plural";

describe("plural", () => {
  it.each([
    [0, "key", undefined, "0 keys"],
    [1, "key", undefined, "1 key"],
    [2, "key", undefined, "2 keys"],
    [1, "data plane", undefined, "1 data plane"],
    [2, "policy", "policies", "2 policies"],
    [12_000, "call", undefined, "12,000 calls"],
  ])("%i %s", (count, singular, pluralForm, expected) => {
    expect(plural(count, singular, pluralForm)).toBe(expected);
  });
});
