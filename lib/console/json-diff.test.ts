import { describe, expect, it } from "vitest";
import { diffJson } from "./json-diff";

describe("activity before/after diff", () => {
  it.each([
    ["equal values", { a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }, []],
    [
      "a changed leaf, by path",
      { auth: { issuer: "https://a" } },
      { auth: { issuer: "https://b" } },
      [{ path: "auth.issuer", kind: "changed", before: "https://a", after: "https://b" }],
    ],
    [
      "added and removed keys",
      { a: 1 },
      { b: 2 },
      [
        { path: "a", kind: "removed", before: 1 },
        { path: "b", kind: "added", after: 2 },
      ],
    ],
    ["arrays as a whole", { origins: ["x"] }, { origins: ["x", "y"] }, [{ path: "origins", kind: "changed", before: ["x"], after: ["x", "y"] }]],
    ["a creation (no before)", null, { name: "gh" }, [{ path: "name", kind: "added", after: "gh" }]],
    ["a deletion (no after)", { name: "gh" }, null, [{ path: "name", kind: "removed", before: "gh" }]],
    [
      "matrix cells",
      { cells: { "*": { dev: "deny" } } },
      { cells: { "*": { dev: "allow" }, push: { admin: "allow" } } },
      [
        { path: "cells.*.dev", kind: "changed", before: "deny", after: "allow" },
        { path: "cells.push", kind: "added", after: { admin: "allow" } },
      ],
    ],
  ])("%s", (_, before, after, expected) => {
    expect(diffJson(before ?? undefined, after ?? undefined)).toEqual(expected);
  });
});
