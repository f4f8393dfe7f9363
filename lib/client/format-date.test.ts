import { describe, expect, it } from "vitest";
import { formatInstant, formatInstantUtc } from "./format-date";

describe("formatInstant", () => {
  const iso = "2026-12-02T18:30:45.000Z";
  it.each([
    ["datetime", "en-GB", "UTC", "2 Dec 2026, 18:30"],
    ["date", "en-GB", "UTC", "2 Dec 2026"],
    ["time", "en-GB", "UTC", "18:30"],
    ["datetime", "en-US", "America/New_York", "Dec 2, 2026, 1:30 PM"],
    ["datetime", "en-GB", "Asia/Tokyo", "3 Dec 2026, 03:30"],
  ] as const)("%s in %s, %s", (mode, locale, zone, expected) => {
    expect(formatInstant(iso, mode, locale, zone).replace(/\u202f/g, " ")).toBe(expected);
  });

  it("renders UTC, named, before the browser's zone is known", () => {
    expect(formatInstantUtc(iso)).toBe("2 Dec 2026, 18:30 UTC");
    expect(formatInstantUtc(iso, "date")).toBe("2 Dec 2026 UTC");
  });
});
