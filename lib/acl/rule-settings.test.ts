import { describe, expect, it } from "vitest";
import { compileAcl, type Caller } from "../core/acl/decide";
import { parseConfig } from "../core/config/schema";
import { hasOwnRule, matrixToAcl, type AclMatrix, type Cell, type Effect, type MatrixRow } from "./matrix";
import { decideToolAccess } from "../core/acl/decide";
import { aclOf, conditionProblem, conditionProblems, type RuleSettings } from "./rule-settings";
import { simulateCall } from "./simulate-call";

const groups = ["admin", "developer", "contractor"];
const TOOLS = ["push_files", "list_issues", "get_me", "never_seen"];

function* callers(): Generator<Caller> {
  for (let mask = 0; mask < 1 << (groups.length + 1); mask++) {
    yield { username: mask & (1 << groups.length) ? "carol" : "dave", groups: groups.filter((_, i) => mask & (1 << i)) };
  }
}

function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function randomRow(next: () => number): MatrixRow {
  const pick = (): Cell => (["allow", "deny", "inherit", "inherit"] as const)[Math.floor(next() * 4)]!;
  const row: MatrixRow = { groups: Object.fromEntries(groups.map((g) => [g, pick()])), others: pick() };
  if (next() < 0.2) row.consumers = { carol: next() < 0.5 ? "allow" : "deny" };
  return row;
}

function randomCase(seed: number): { matrix: AclMatrix; settings: RuleSettings } {
  const next = random(seed);
  const matrix: AclMatrix = {
    groups,
    defaultRow: randomRow(next),
    tools: { push_files: randomRow(next), list_issues: randomRow(next), get_me: { groups: {}, others: "inherit" } },
  };
  const settings: RuleSettings = { conditions: {}, redactions: {} };
  for (const tool of ["*", "push_files", "list_issues", "get_me"]) {
    const roll = next();
    if (roll < 0.6) settings.conditions[tool] = { effect: roll < 0.3 ? "allow" : "deny", expression: "args.ok == true", message: `no ${tool}` };
  }
  if (next() < 0.5) settings.redactions.get_me = ["args.content"];
  return { matrix, settings };
}

/** The meaning of a row's condition, from the description in rule-settings.ts: the names decide, the condition narrows who it names. */
function expected(matrix: AclMatrix, settings: RuleSettings, tool: string, caller: Caller, holds: boolean): boolean {
  const namesAllow = decideToolAccess(compileAcl(matrixToAcl(matrix)), tool, caller).allowed;
  const own = tool in matrix.tools && hasOwnRule(matrix.tools[tool]!);
  const condition = settings.conditions[tool] ?? (own ? undefined : settings.conditions["*"]);
  if (condition === undefined) return namesAllow;
  return condition.effect === "allow" ? namesAllow && holds : namesAllow || !holds;
}

describe("conditions on the matrix's rules, compiled for the gateway", () => {
  it("decide, through the gateway's schema and decision, as the row's names narrowed by its condition, for every caller — or are refused", () => {
    let judged = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { matrix, settings } = randomCase(seed);
      const acl = aclOf(matrix, settings);
      const parsed = parseConfig({
        version: 1,
        consumer_groups: groups.map((name) => ({ name })),
        consumers: [{ username: "carol" }],
        servers: [{ name: "s", path: "/s", upstream: "http://127.0.0.1:1/", auth: { mode: "passthrough" }, acl }],
      });
      if (!parsed.ok) throw new Error(`seed ${seed}: ${parsed.problems.join("; ")}`);
      const compiled = compileAcl(parsed.config.servers[0]!.acl);
      const misfits = new Set(conditionProblems(matrix, settings).map((p) => p.tool));
      for (const tool of TOOLS) {
        const decidingRow = tool in matrix.tools && hasOwnRule(matrix.tools[tool]!) ? tool : settings.conditions[tool] ? tool : "*";
        if (misfits.has(decidingRow)) continue;
        for (const caller of callers()) {
          for (const holds of [true, false]) {
            const actual = simulateCall(compiled, tool, { args: { ok: holds }, consumer: caller, claims: {}, server: "s", now: new Date() }).allowed;
            const want = expected(matrix, settings, tool, caller, holds);
            if (actual !== want) throw new Error(`seed ${seed}, ${tool}, ${JSON.stringify(caller)}, holds ${holds}: gateway says ${actual}, matrix says ${want}`);
            judged++;
          }
        }
      }
    }
    expect(judged).toBeGreaterThan(10_000);
  });

  it("compiles exactly like the matrix alone when nothing is set (same document, same hash)", () => {
    for (let seed = 1; seed <= 100; seed++) expect(aclOf(randomCase(seed).matrix)).toEqual(matrixToAcl(randomCase(seed).matrix));
  });

  it("compiles the issue's examples as a person would write them", () => {
    const matrix: AclMatrix = {
      groups: ["developer", "contractor"],
      defaultRow: { groups: { contractor: "deny" }, others: "inherit" },
      tools: {
        push_files: { groups: { developer: "allow" }, others: "deny" },
        search_code: { groups: {}, others: "deny" },
      },
    };
    const settings: RuleSettings = {
      conditions: {
        push_files: { effect: "allow", expression: 'args.owner == "acme"', message: "acme only" },
        search_code: { effect: "deny", expression: 'args.q.contains("password")' },
        "*": { effect: "allow", expression: 'tool != "delete_repository"' },
      },
      redactions: { create_file: ["args.content"] },
    };
    expect(aclOf(matrix, settings)).toEqual({
      default: { allow: ["*"], deny: ["contractor"], when: 'tool != "delete_repository"' },
      tools: [
        // No cells of its own: the default's names and condition, so the tool decides as before.
        { name: "create_file", allow: ["*"], deny: ["contractor"], when: 'tool != "delete_repository"', redact_args: ["args.content"] },
        { name: "push_files", allow: ["developer"], deny: ["contractor"], when: 'args.owner == "acme"', message: "acme only" },
        { name: "search_code", deny: ["*"], when: 'args.q.contains("password")' },
      ],
    });
  });

  it.each<[string, { allow?: string[]; deny?: string[] }, Effect, RegExp | undefined]>([
    ["allow-condition on a rule admitting everyone", {}, "allow", undefined],
    ["allow-condition on a rule denying some", { deny: ["contractor"] }, "allow", undefined],
    ["allow-condition on a rule denying everyone", { deny: ["*"] }, "allow", /admit no one/],
    ["deny-condition on a rule denying some", { deny: ["contractor"] }, "deny", undefined],
    ["deny-condition on a rule denying everyone", { deny: ["*"] }, "deny", undefined],
    ["deny-condition on a rule denying no one", {}, "deny", /refuse no one/],
    ["deny-condition on a rule admitting only some", { allow: ["developer"] }, "deny", /everyone else is allowed/],
  ])("%s", (_, names, effect, problem) => {
    const found = conditionProblem(names, effect);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });

  it("reports a misfit by row, and compiles that row without its condition (fail closed: its denials stay unconditional)", () => {
    const matrix: AclMatrix = { groups: ["developer"], defaultRow: { groups: {}, others: "inherit" }, tools: { push_files: { groups: { developer: "allow" }, others: "deny" } } };
    const settings: RuleSettings = { conditions: { push_files: { effect: "deny", expression: "true" } }, redactions: {} };
    expect(conditionProblems(matrix, settings)).toEqual([{ tool: "push_files", problem: expect.stringMatching(/everyone else is allowed/) }]);
    expect(aclOf(matrix, settings).tools).toEqual([{ name: "push_files", allow: ["developer"] }]);
  });
});
