// secret_patterns are checked together as well as one by one: whatever makes the gateway's one
// masker fail to compile refuses the document by path, instead of every later configuration failing
// in ConfigStore.apply. (The masker itself joins patterns without their captures, so no list of
// patterns valid one by one is known to fail; compileSecretMasker is made to fail here.)
import { describe, expect, it, vi } from "vitest";
import { validateConfig } from "./validate";

vi.mock("../redaction/secret-masker", async (importOriginal) => {
  const original = await importOriginal<typeof import("../redaction/secret-masker")>();
  return {
    ...original,
    compileSecretMasker: (extra: Parameters<typeof original.compileSecretMasker>[0]) => {
      if (extra.some((p) => p.name === "clash")) throw new SyntaxError("Invalid regular expression: Duplicate capture group name");
      return original.compileSecretMasker(extra);
    },
  };
});

const doc = (secret_patterns: unknown) => ({ version: 1, secret_patterns });

describe("secret_patterns, together", () => {
  it("refuses a list the gateway cannot compile into one masker", () => {
    const result = validateConfig(
      doc([
        { name: "acme", pattern: "acme_[a-z]{8}" },
        { name: "clash", pattern: "corp_[0-9]{8}" },
      ]),
    );
    expect(result.ok ? [] : result.problems).toEqual(["secret_patterns: these patterns cannot be used together: Invalid regular expression: Duplicate capture group name"]);
  });

  it("reports a pattern refused on its own once, by its own path", () => {
    const result = validateConfig(doc([{ name: "slow", pattern: "(a+)+b" }]));
    expect(result.ok ? [] : result.problems).toEqual([expect.stringMatching(/^secret_patterns\[0\]\.pattern: a pattern may not quantify a group/)]);
  });

  it("accepts patterns that name a group alike", () => {
    expect(
      validateConfig(
        doc([
          { name: "acme", pattern: "acme_(?<v>[a-z]{8})" },
          { name: "corp", pattern: "corp_(?<v>[0-9]{8})" },
        ]),
      ).ok,
    ).toBe(true);
  });
});
