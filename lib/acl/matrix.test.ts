import { describe, expect, it } from "vitest";
import { compileAcl, decideToolAccess, type Caller } from "../core/acl/decide";
import { aclToMatrix, effectiveCell, effectiveOthers, hasOwnRule, matrixToAcl, rowOf, type AclMatrix, type Cell, type MatrixRow } from "./matrix";

const groups = ["admin", "developer", "contractor"];

/** The matrix's own meaning, written from the description in matrix.ts, independently of the compile. */
function decideByMatrix(matrix: AclMatrix, tool: string, caller: Caller): boolean {
  const own = matrix.tools[tool];
  const row = own && hasOwnRule(own) ? tool : "*";
  const consumer = rowOf(matrix, row).consumers?.[caller.username];
  const effects = caller.groups.filter((g) => matrix.groups.includes(g)).map((g) => effectiveCell(matrix, row, g));
  if (consumer === "deny" || effects.includes("deny")) return false;
  if (consumer === "allow" || effects.includes("allow")) return true;
  return effectiveOthers(matrix, row) === "allow";
}

function* callers(): Generator<Caller> {
  for (let mask = 0; mask < 1 << (groups.length + 1); mask++) {
    const memberOf = groups.filter((_, i) => mask & (1 << i));
    yield { username: mask & (1 << groups.length) ? "carol" : "dave", groups: [...memberOf, ...(mask % 3 === 0 ? ["unknown-idp-group"] : [])] };
  }
}

function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function randomRow(next: () => number): MatrixRow {
  const pick = (): Cell => (["allow", "deny", "inherit"] as const)[Math.floor(next() * 3)]!;
  const row: MatrixRow = { groups: Object.fromEntries(groups.map((g) => [g, pick()])), others: pick() };
  const consumer = next();
  if (consumer < 0.2) row.consumers = { carol: "allow" };
  else if (consumer < 0.4) row.consumers = { carol: "deny" };
  return row;
}

function randomMatrix(seed: number): AclMatrix {
  const next = random(seed);
  return { groups, defaultRow: randomRow(next), tools: { push_files: randomRow(next), list_issues: randomRow(next), get_me: { groups: {}, others: "inherit" } } };
}

describe("tool access matrix ↔ config ACL", () => {
  it("compiles every matrix to rules that decide exactly like the matrix, for every caller", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const matrix = randomMatrix(seed);
      const compiled = compileAcl(matrixToAcl(matrix));
      for (const tool of ["push_files", "list_issues", "get_me", "never_seen"]) {
        for (const caller of callers()) {
          const expected = decideByMatrix(matrix, tool, caller);
          const actual = decideToolAccess(compiled, tool, caller).allowed;
          if (actual !== expected) throw new Error(`seed ${seed}, ${tool}, ${JSON.stringify(caller)}: gateway says ${actual}, matrix says ${expected}`);
        }
      }
    }
  });

  it("imports a config ACL into a matrix that compiles back to the same rules", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const acl = matrixToAcl(randomMatrix(seed));
      expect(matrixToAcl(aclToMatrix(acl, groups))).toEqual(acl);
    }
  });

  it("compiles the recipe's table as a person would write it", () => {
    const matrix: AclMatrix = {
      groups: ["admin", "developer"],
      defaultRow: { groups: { developer: "deny" }, others: "inherit" },
      tools: {
        search_repositories: { groups: { developer: "allow" }, others: "inherit" },
        push_files: { groups: { admin: "allow" }, others: "deny" },
        create_issue: { groups: {}, others: "inherit" },
      },
    };
    expect(matrixToAcl(matrix)).toEqual({
      default: { deny: ["developer"] },
      tools: [{ name: "push_files", allow: ["admin"], deny: ["developer"] }, { name: "search_repositories" }],
    });
    expect(effectiveCell(matrix, "create_issue", "developer")).toBe("deny");
    expect(effectiveCell(matrix, "push_files", "developer")).toBe("deny");
  });

  it("says 'nobody' as deny '*', since an empty allow list admits everyone", () => {
    const matrix: AclMatrix = { groups: ["admin"], defaultRow: { groups: {}, others: "inherit" }, tools: { drop: { groups: { admin: "deny" }, others: "deny" } } };
    expect(matrixToAcl(matrix).tools).toEqual([{ name: "drop", deny: ["*"] }]);
  });

  it("imports the recipe's YAML rules with inherit where inheritance explains the cell", () => {
    const matrix = aclToMatrix(
      {
        default: { deny: ["developer"] },
        tools: [
          { name: "search_repositories", allow: ["admin", "developer"] },
          { name: "push_files", allow: ["admin"] },
        ],
      },
      ["admin", "developer"],
    );
    expect(matrix.defaultRow).toEqual({ groups: { admin: "inherit", developer: "deny" }, others: "allow" });
    expect(matrix.tools.search_repositories).toEqual({ groups: { admin: "allow", developer: "allow" }, others: "deny" });
    expect(matrix.tools.push_files).toEqual({ groups: { admin: "allow", developer: "inherit" }, others: "deny" });
  });
});
