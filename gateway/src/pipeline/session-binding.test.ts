import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SessionBinder } from "./session-binding";

const binder = new SessionBinder(randomBytes(32));
const bound = binder.bind("github", "dev-user", "upstream-1");

describe("SessionBinder", () => {
  it("gives the owner back the upstream id, on the same route", () => {
    expect(bound).toMatch(/^upstream-1\.[A-Za-z0-9_-]{22}$/);
    expect(binder.unbind("github", "dev-user", bound)).toBe("upstream-1");
    // Upstream ids may hold dots themselves.
    expect(binder.unbind("github", "dev-user", binder.bind("github", "dev-user", "a.b.c"))).toBe("a.b.c");
  });

  it.each([
    ["another consumer", "github", "admin-user", bound],
    ["another route", "konnect", "dev-user", bound],
    ["the bare upstream id", "github", "dev-user", "upstream-1"],
    ["a forged MAC", "github", "dev-user", `upstream-1.${"A".repeat(22)}`],
    ["another upstream id under a valid MAC", "github", "dev-user", bound.replace("upstream-1", "upstream-2")],
    ["an empty id", "github", "dev-user", ""],
  ])("refuses %s with session_not_found", (_what, route, owner, id) => {
    expect(() => binder.unbind(route, owner, id)).toThrow(expect.objectContaining({ code: "session_not_found", httpStatus: 404 }));
  });

  it("accepts sessions bound by another gateway with the same master key, not with another", () => {
    const key = randomBytes(32);
    const id = new SessionBinder(key).bind("github", "dev-user", "u");
    expect(new SessionBinder(key).unbind("github", "dev-user", id)).toBe("u");
    expect(() => new SessionBinder(randomBytes(32)).unbind("github", "dev-user", id)).toThrow();
  });
});
