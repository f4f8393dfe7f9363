import { describe, expect, it } from "vitest";
import { safeCallback } from "./callback-url";

describe("sign-in callback URL", () => {
  it.each([
    ["/\\evil.com", "/"],
    ["/%5Cevil.com", "/%5Cevil.com"],
    ["/%09/evil.com", "/%09/evil.com"],
    ["/\t/evil.com", "/"],
    ["//evil.com", "/"],
    ["/\\/evil.com", "/"],
    ["/.//evil.com", "/"],
    ["https://evil.com", "/"],
    ["javascript:alert(1)", "/"],
    ["/javascript:alert(1)", "/javascript:alert(1)"],
    ["", "/"],
    ["/ok?x=1#y", "/ok?x=1#y"],
    ["/servers/a%20b", "/servers/a%20b"],
  ])("%j → %j", (value, expected) => {
    expect(safeCallback(value)).toBe(expected);
  });

  it("takes a single value only", () => {
    expect(safeCallback(undefined)).toBe("/");
    expect(safeCallback(["/a", "/b"])).toBe("/");
  });

  it("what it returns resolves to this console against any origin", () => {
    for (const value of ["/\\evil.com", "/%5Cevil.com", "/%09/evil.com", "/\t/evil.com", "//evil.com", "/.//evil.com", "/ok?x=1#y"]) {
      expect(new URL(safeCallback(value), "https://console.example").origin).toBe("https://console.example");
    }
  });
});
