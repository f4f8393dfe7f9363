import { describe, expect, it } from "vitest";
import { checkSecretPattern, compileSecretMasker, withoutCaptures } from "./secret-masker";

const masker = compileSecretMasker([{ name: "acme", pattern: "\\bacme_[0-9a-f]{8}" }]);

describe("compileSecretMasker", () => {
  it.each([
    ["github", `token ghp_${"a".repeat(36)} here`, "token [redacted:github] here"],
    ["github oauth", `gho_${"Z9".repeat(18)}`, "[redacted:github]"],
    ["github fine-grained", `github_pat_${"x".repeat(22)}_${"y".repeat(59)}`, "[redacted:github]"],
    ["gitlab", "glpat-abcdefghij0123456789", "[redacted:gitlab]"],
    ["slack", "xoxb-1234567890-abcdefghij", "[redacted:slack]"],
    ["aws", "key=AKIAIOSFODNN7EXAMPLE;", "key=[redacted:aws];"],
    ["google", `AIza${"B".repeat(35)}`, "[redacted:google]"],
    ["stripe", `sk_live_${"4".repeat(24)}`, "[redacted:stripe]"],
    ["private key", "a\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n-----END OPENSSH PRIVATE KEY-----\nz", "a\n[redacted:private_key]\nz"],
    ["jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "[redacted:jwt]"],
    ["bearer", "Authorization: Bearer abc.def-ghi_jkl", "Authorization: [redacted:bearer]"],
    ["admin pattern", "id acme_0badc0de!", "id [redacted:acme]!"],
  ])("masks %s", (_, text, expected) => {
    expect(masker.mask(text)).toEqual({ text: expected, count: 1 });
  });

  it.each([["ghp_short"], ["AKIA too short"], ["a plain sentence about bearer bonds"], ["sk_test_" + "4".repeat(24)]])("leaves %s alone", (text) => {
    expect(masker.mask(text)).toEqual({ text, count: 0 });
  });

  it("combines patterns that name a group alike, and more groups than one RegExp may hold", () => {
    const alike = compileSecretMasker([
      { name: "acme", pattern: "acme_(?<v>[a-z]{8})" },
      { name: "corp", pattern: "corp_(?<v>[0-9]{8})" },
    ]);
    expect(alike.mask("acme_abcdefgh corp_12345678")).toEqual({ text: "[redacted:acme] [redacted:corp]", count: 2 });
    expect(alike.mayMatchJson!('{"a":"corp_12345678"}')).toBe(true);
    // 400 patterns of 166 groups each: 66,400 captures, past V8's 65,535 in one RegExp.
    const many = Array.from({ length: 400 }, (_, i) => ({ name: `p${i}`, pattern: `k${i}_${"(a)".repeat(166)}` }));
    expect(compileSecretMasker(many).mask(`x k399_${"a".repeat(166)} y`)).toEqual({ text: "x [redacted:p399] y", count: 1 });
  });

  it.each([
    ["(?<v>a)(b)", "(?:a)(?:b)"],
    ["(?:a)(?=b)(?<=c)(?<!d)", "(?:a)(?=b)(?<=c)(?<!d)"],
    ["\\(a\\)", "\\(a\\)"],
    ["[(?<v>]x(y)", "[(?<v>]x(?:y)"],
    ["[\\](]", "[\\](]"],
  ])("drops the captures of %s for the combined test", (source, expected) => {
    expect(withoutCaptures(source)).toBe(expected);
  });

  it("counts every masking in one string", () => {
    expect(masker.mask(`ghp_${"a".repeat(36)} and ghp_${"b".repeat(36)} and AKIAIOSFODNN7EXAMPLE`).count).toBe(3);
  });
});

describe("checkSecretPattern", () => {
  it.each([
    ["(a+)+b", /quantify a group/],
    ["(?:ab)*", /quantify a group/],
    ["(a)\\1", /not an RE2 pattern/],
    ["a(?=b)", /not an RE2 pattern/],
  ])("refuses %s", (pattern, problem) => {
    expect(checkSecretPattern(pattern)).toMatch(problem);
  });

  it("accepts a prefix and a character class", () => {
    expect(checkSecretPattern("\\bacme_[0-9a-f]{8}")).toBeUndefined();
  });
});

describe("mayMatchJson", () => {
  it("is false only for escape-free text where no pattern matches", () => {
    expect(masker.mayMatchJson!('{"result":{"text":"nothing here"}}')).toBe(false);
    expect(masker.mayMatchJson!(`{"result":{"text":"ghp_${"a".repeat(36)}"}}`)).toBe(true);
    expect(masker.mayMatchJson!('{"result":{"text":"\\u0067hp_aaaa"}}')).toBe(true);
  });

  it("is not offered when an admin's pattern is anchored", () => {
    expect(compileSecretMasker([{ name: "anchored", pattern: "^key-[0-9]{4}$" }]).mayMatchJson).toBeUndefined();
    expect(compileSecretMasker([{ name: "in_class", pattern: "key-[^ ]{4}" }]).mayMatchJson).toBeDefined();
  });
});
