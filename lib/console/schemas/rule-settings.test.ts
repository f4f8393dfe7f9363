// The settings page's secret patterns are checked together, as the gateway compiles them, so a
// list it could not use is refused as a field error before anything is saved.
import { describe, expect, it, vi } from "vitest";
import { secretPatternsSchema } from "./rule-settings";

vi.mock("../../core/redaction/secret-masker", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../core/redaction/secret-masker")>();
  return {
    ...original,
    compileSecretMasker: (extra: Parameters<typeof original.compileSecretMasker>[0]) => {
      if (extra.some((p) => p.name === "clash")) throw new SyntaxError("Invalid regular expression: Duplicate capture group name");
      return original.compileSecretMasker(extra);
    },
  };
});

describe("secretPatternsSchema", () => {
  it("refuses, on the list, patterns that cannot be compiled together", () => {
    const result = secretPatternsSchema.safeParse({
      patterns: [
        { name: "acme", pattern: "acme_[a-z]{8}" },
        { name: "clash", pattern: "corp_[0-9]{8}" },
      ],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["patterns", "these patterns cannot be used together: Invalid regular expression: Duplicate capture group name"],
    ]);
  });

  it("accepts patterns that name a group alike", () => {
    const patterns = [
      { name: "acme", pattern: "acme_(?<v>[a-z]{8})" },
      { name: "corp", pattern: "corp_(?<v>[0-9]{8})" },
    ];
    expect(secretPatternsSchema.safeParse({ patterns }).success).toBe(true);
  });
});
