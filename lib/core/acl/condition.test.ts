import { describe, expect, it } from "vitest";
import { compileCondition, CONDITION_LIMITS, evaluateCondition, inputCost, type ConditionInput } from "./condition";

const input: ConditionInput = {
  args: { owner: "acme", branch: "feature/x", q: "where is the password", per_page: 50, files: [{ path: "docs/a.md" }, { path: "docs/b.md" }] },
  consumer: { username: "dev-user", custom_id: "emp-7", groups: ["developer"] },
  claims: { sub: "alice@acme.example", org: "acme", scope: "repo read:org" },
  server: "github",
  tool: "push_files",
  now: new Date("2026-12-02T07:00:00Z"),
};

function run(expression: string, given: ConditionInput = input) {
  const compiled = compileCondition(expression);
  if (!compiled.ok) throw new Error(compiled.problem);
  return evaluateCondition(compiled.condition, given);
}

describe("compileCondition", () => {
  it.each([
    ['args.owner == "acme" && !(args.branch in ["main", "master"])'],
    ['args.q.contains("password")'],
    ["args.per_page <= 100"],
    ['args.files.all(f, f.path.startsWith("docs/"))'],
    ['"developer" in consumer.groups && consumer.username != "" && consumer.custom_id == "emp-7"'],
    ['server == "github" && tool == "push_files" ? true : false'],
    ['now < timestamp("2030-01-01T00:00:00Z")'],
    ['has(args.owner) && args.q.matches("^where")'],
  ])("compiles %s", (expression) => {
    expect(compileCondition(expression)).toMatchObject({ ok: true });
  });

  it.each([
    ["args.owner ==", /^syntax error/],
    ['token.sub == "x"', /undeclared reference to 'token'/],
    ['owner == "acme"', /undeclared reference to 'owner'/],
    ["frobnicate(args.q)", /unknown function 'frobnicate'/],
    ["args.files.all(f, args.files.exists(g, g == f))", /cannot be nested/],
    [Array.from({ length: 60 }, (_, i) => `args.n==${i}`).join("||"), /more than 200 nodes/],
    [`args.q == "${"x".repeat(CONDITION_LIMITS.maxLength)}"`, /at most 2048 characters/],
  ])("refuses %s", (expression, problem) => {
    const compiled = compileCondition(expression);
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.problem).toMatch(problem);
  });

  it("scopes a comprehension's variable to its body", () => {
    expect(compileCondition("args.files.all(f, true) && f == 1")).toMatchObject({
      ok: false,
      problem: "undeclared reference to 'f' (variables: args, consumer, claims, server, tool, now)",
    });
  });
});

describe("evaluateCondition", () => {
  it.each([
    ['args.owner == "acme" && !(args.branch in ["main", "master"])', true],
    ['args.owner == "evil" && !(args.branch in ["main", "master"])', false],
    ['args.q.contains("password")', true],
    ["args.per_page <= 100", true],
    ["args.per_page <= 10", false],
    ['args.files.all(f, f.path.startsWith("docs/"))', true],
    ['args.files.exists(f, f.path == "src/x.ts")', false],
    ['"developer" in consumer.groups && consumer.custom_id == "emp-7"', true],
    ['server == "github" && tool == "push_files"', true],
    ['claims.org == "acme" && "repo" in claims.scope.split(" ")', true],
    ['has(claims.sub) && claims.sub.endsWith("@evil.example")', false],
    ['now > timestamp("2026-12-02T06:59:59Z") && now < timestamp("2026-12-02T07:00:01Z")', true],
    ["has(args.missing)", false],
    ['args.q.matches("^where")', true],
    ['args.q.matches("^nowhere")', false],
    ['args.q.matches("^where") && !args.branch.matches("^where")', true],
  ])("%s → %s", (expression, holds) => {
    expect(run(expression)).toEqual({ ok: true, holds });
  });

  it.each<[string, RegExp, ConditionInput?]>([
    ['args.missing == "x"', /no such key|not found/],
    ["args.owner > 3", /overload|no matching/i],
    ["args.owner", /did not evaluate to a bool/],
    ['args.q.matches("(")', /missing|paren|syntax|error/i],
    ['args.files.all(f, f.path.startsWith("docs/"))', /no such key|not found|iterable|type/i, { ...input, args: { files: "not a list" } }],
  ])("%s is an evaluation error", (expression, error, given = input) => {
    const outcome = run(expression, given);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toMatch(error);
  });

  it("a custom_id the consumer does not have is the empty string", () => {
    expect(run('consumer.custom_id == ""', { ...input, consumer: { username: "u", groups: [] } })).toEqual({ ok: true, holds: true });
  });

  it("without a token, claims is an empty map", () => {
    expect(run("has(claims.sub)", { ...input, claims: {} })).toEqual({ ok: true, holds: false });
    expect(run("size(claims) == 0", { ...input, claims: {} })).toEqual({ ok: true, holds: true });
  });

  it("refuses to run a condition whose cost bound on these arguments is over the limit, and runs it on small ones", () => {
    // A pathological condition: close to the node limit, with a regex match in the body of a comprehension.
    const clauses = Array.from({ length: 30 }, (_, i) => `f.path.matches("^(a|b)*c${i}")`).join(" || ");
    const compiled = compileCondition(`args.files.exists(f, ${clauses})`);
    if (!compiled.ok) throw new Error(compiled.problem);
    const files = Array.from({ length: 20_000 }, (_, i) => ({ path: `${"ab".repeat(32)}${i}` }));
    const started = performance.now();
    const outcome = evaluateCondition(compiled.condition, { ...input, args: { files } });
    expect(outcome).toMatchObject({ ok: false, costExceeded: true, error: expect.stringMatching(/cost limit 1000000/) });
    // Refused before running: the bound is computed, not the 800 000 regex matches.
    expect(performance.now() - started).toBeLessThan(200);
    expect(evaluateCondition(compiled.condition, { ...input, args: { files: files.slice(0, 10) } })).toEqual({ ok: true, holds: false });
  });

  it("counts long strings by their length: a small condition on a large file passes, a large one on many is refused", () => {
    expect(inputCost([{ content: "x".repeat(64 * 1000) }], Infinity)).toBe(1 + 1 + 1 + 1000);
    expect(run('!args.content.contains("password")', { ...input, args: { content: "x".repeat(1_000_000) } })).toEqual({ ok: true, holds: true });
  });

  it("stays linear within the limits: a comprehension over a 20 000-element list runs in well under a second", () => {
    const files = Array.from({ length: 20_000 }, (_, i) => ({ path: `docs/${i}.md` }));
    const started = performance.now();
    expect(run('args.files.all(f, f.path.startsWith("docs/"))', { ...input, args: { files } })).toEqual({ ok: true, holds: true });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
