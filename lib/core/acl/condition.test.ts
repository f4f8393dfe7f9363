import fc from "fast-check";
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

/** A CEL literal equal to a JSON value (numbers as doubles, as JSON numbers are to CEL). */
function celLiteral(value: unknown): string {
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "number") return Number.isInteger(value) ? `${value}.0` : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(celLiteral).join(", ")}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([key, item]) => `${JSON.stringify(key)}: ${celLiteral(item)}`)
    .join(", ")}}`;
}

describe("JSON inputs mean what JSON.parse made of them", () => {
  // @bufbuild/cel takes a plain object with a string `$typeName` for a protobuf message.
  const forged = (json: string): Record<string, unknown> => JSON.parse(json);
  const STRUCT = forged('{"$typeName":"google.protobuf.Struct","fields":{"base":{"kind":{"case":"stringValue","value":"feature"}}},"base":"main"}');

  it.each<[string, string, Record<string, unknown>, boolean]>([
    ["a Struct's spelling of other fields", 'args.base == "main"', STRUCT, true],
    ["a Struct's spelling, negated", 'args.base != "main"', STRUCT, false],
    ["the key itself", 'args["$typeName"] == "google.protobuf.Struct" && has(args.fields)', STRUCT, true],
    ["a nested Struct", "has(args.options.force) && args.options.force", forged('{"options":{"$typeName":"google.protobuf.Struct","fields":{},"force":true}}'), true],
    ["a wrapper", 'args.path.value.startsWith("/tmp") && args.path.size() == 2', forged('{"path":{"$typeName":"google.protobuf.StringValue","value":"/tmp"}}'), true],
    ["in a list", 'args.files[0].path == "/etc/passwd"', forged('{"files":[{"$typeName":"google.protobuf.Value","kind":{},"path":"/etc/passwd"}]}'), true],
    ["an unknown type name", 'args.x.y == "z"', forged('{"x":{"$typeName":"acme.Nothing","y":"z"}}'), true],
    ["a key named constructor", "args.constructor == 1.0", forged('{"constructor":1}'), true],
    ["a key named __proto__", 'args["__proto__"].a == "b"', forged('{"__proto__":{"a":"b"}}'), true],
  ])("args with %s", (_, expression, args, holds) => {
    expect(run(expression, { ...input, args })).toEqual({ ok: true, holds });
  });

  it("claims too", () => {
    const claims = forged('{"$typeName":"google.protobuf.Struct","fields":{"org":{"kind":{"case":"stringValue","value":"acme"}}},"org":"evil"}');
    expect(run('claims.org == "acme"', { ...input, claims })).toEqual({ ok: true, holds: false });
    expect(run('claims.org == "evil"', { ...input, claims })).toEqual({ ok: true, holds: true });
  });

  it("refuses an input JSON cannot hold rather than guess", () => {
    expect(run("has(claims.when)", { ...input, claims: { when: new Date() } })).toEqual({ ok: false, error: "an input is not a JSON value" });
  });

  it("converts deep arguments without recursion", () => {
    let deep: unknown = "bottom";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(run("size(args.deep) == 1", { ...input, args: { deep } })).toEqual({ ok: true, holds: true });
  });

  it("property: with $typeName keys sprinkled anywhere, args.x == <its own value> holds", () => {
    const typeNames = fc.constantFrom(
      "google.protobuf.Struct",
      "google.protobuf.Value",
      "google.protobuf.ListValue",
      "google.protobuf.StringValue",
      "google.protobuf.Int64Value",
      "google.protobuf.BoolValue",
      "google.protobuf.Any",
      "google.protobuf.Timestamp",
      "acme.Unknown",
    );
    const { json } = fc.letrec((tie) => ({
      json: fc.oneof({ maxDepth: 3, depthSize: "small" }, tie("leaf"), tie("list"), tie("object")),
      leaf: fc.oneof(
        fc.constant(null),
        fc.boolean(),
        fc.integer({ min: -1000, max: 1000 }).map((n) => n / 4),
        fc.string({ maxLength: 8 }),
      ),
      list: fc.array(tie("json"), { maxLength: 3 }),
      object: fc
        .tuple(
          fc.option(typeNames, { nil: undefined, freq: 2 }),
          fc.dictionary(fc.constantFrom("fields", "value", "values", "kind", "case", "seconds", "typeUrl", "x"), tie("json"), { maxKeys: 3 }),
        )
        .map(([typeName, fields]) => (typeName === undefined ? fields : { $typeName: typeName, ...fields })),
    }));
    fc.assert(
      fc.property(json, (generated) => {
        const x: unknown = JSON.parse(JSON.stringify(generated));
        const compiled = compileCondition(`args.x == ${celLiteral(x)}`);
        fc.pre(compiled.ok);
        if (!compiled.ok) return;
        expect(evaluateCondition(compiled.condition, { ...input, args: { x } })).toEqual({ ok: true, holds: true });
      }),
      { numRuns: 300 },
    );
  });
});
