import { describe, expect, it } from "vitest";
import { IntrospectionBudget } from "./introspection-budget";

describe("IntrospectionBudget", () => {
  it("allows a burst per address, then refills at its rate; other addresses are unaffected", () => {
    let now = 0;
    const budget = new IntrospectionBudget(3, 2, () => now);
    expect([1, 2, 3, 4].map(() => budget.take("a"))).toEqual([true, true, true, false]);
    expect(budget.take("b")).toBe(true);
    now += 499;
    expect(budget.take("a")).toBe(false);
    now += 1;
    expect(budget.take("a")).toBe(true);
    expect(budget.take("a")).toBe(false);
    now += 60_000;
    expect([1, 2, 3, 4].map(() => budget.take("a"))).toEqual([true, true, true, false]);
  });
});
