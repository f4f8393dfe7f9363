import { describe, expect, it } from "vitest";
import { describeCondition } from "./condition-words";

describe("a condition in plain words", () => {
  it.each([
    ['args.owner == "acme"', 'argument owner is "acme"'],
    ['args.owner != "acme"', 'argument owner is not "acme"'],
    ['args.owner == "acme" && !(args.branch in ["main", "master"])', 'argument owner is "acme" and argument branch is not one of "main", "master"'],
    ['args.q.contains("password")', 'argument q contains "password"'],
    ['!args.path.startsWith("docs/")', 'argument path does not start with "docs/"'],
    ['args.path.endsWith(".md") || args.path.endsWith(".txt")', 'argument path ends with ".md" or argument path ends with ".txt"'],
    ["args.per_page <= 100", "argument per_page is at most 100"],
    ["!(args.per_page > 100)", "argument per_page is at most 100"],
    ['"developer" in consumer.groups', 'the consumer\'s groups include "developer"'],
    ['!("contractor" in consumer.groups)', 'the consumer\'s groups do not include "contractor"'],
    ['consumer.username == "carol" || claims.org == "acme"', 'the consumer\'s username is "carol" or claim org is "acme"'],
    ['(tool == "a" || tool == "b") && args.repo.owner == "acme"', '(the tool is "a" or the tool is "b") and argument repo.owner is "acme"'],
    ['!(args.owner == "acme" && args.private == true)', 'argument owner is not "acme" or argument private is not true'],
    ["has(args.branch)", "argument branch is given"],
    ["true", "always"],
  ])("%s → %s", (expression, words) => {
    expect(describeCondition(expression)).toBe(words);
  });

  it.each([['args.files.all(f, f.path.startsWith("docs/"))'], ["size(args.files) < 10"], ["args.a + 1 == 2"], ['args.q.matches("^x")'], ["args.owner =="]])(
    "falls back to the expression for %s",
    (expression) => {
      expect(describeCondition(expression)).toBeUndefined();
    },
  );
});
