import { describe, expect, it } from "vitest";
import { foldKey } from "./key-fold";

describe("foldKey: keys as a case-insensitive decoder (Go's encoding/json) matches them", () => {
  it.each([
    ["Name", "name"],
    ["NAME", "name"],
    ["paramſ", "params"], // LATIN SMALL LETTER LONG S folds to s
    ["\u212Aind", "kind"], // KELVIN SIGN folds to k
    ["ΣΑΣ", "σας"], // Σ, σ and final ς are one SimpleFold orbit
    ["ς", "σ"],
    ["ｎａｍｅ", "name"], // full width: wider than Go, refuses more
    ["\ud800", "\ufffd"], // Go decodes a lone surrogate as U+FFFD
  ])("%j meets %j", (a, b) => {
    expect(foldKey(a)).toBe(foldKey(b));
  });

  it.each([
    ["user_name", "username"],
    ["名前", "名"],
    ["id", "ld"],
    ["ß", "s"],
  ])("%j stays apart from %j", (a, b) => {
    expect(foldKey(a)).not.toBe(foldKey(b));
  });
});
