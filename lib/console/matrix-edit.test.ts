import { describe, expect, it } from "vitest";
import type { AclMatrix } from "../acl/matrix";
import { accessChanges, applyChanges, matrixChanges, nextCell, OTHERS, setCell, setColumn, setRow } from "./matrix-edit";

const base: AclMatrix = {
  groups: ["admin", "developer"],
  defaultRow: { groups: { developer: "deny" }, others: "inherit" },
  tools: { push_files: { groups: { admin: "allow" }, others: "deny" }, search: { groups: {}, others: "inherit" } },
};

describe("staged matrix edits", () => {
  it("cycles allow → deny → inherit → allow", () => {
    expect([nextCell("allow"), nextCell("deny"), nextCell("inherit")]).toEqual(["deny", "inherit", "allow"]);
  });

  it("replaces only the edited row, so untouched rows keep their identity", () => {
    const edited = setCell(base, "search", "developer", "allow");
    expect(edited.tools.search).toEqual({ groups: { developer: "allow" }, others: "inherit" });
    expect(edited.tools.push_files).toBe(base.tools.push_files);
    expect(edited.defaultRow).toBe(base.defaultRow);
    expect(setCell(base, "push_files", "admin", "allow")).toBe(base);
  });

  it("sets whole rows and columns", () => {
    expect(setRow(base, "search", "deny").tools.search).toEqual({ groups: { admin: "deny", developer: "deny" }, others: "deny" });
    const column = setColumn(base, ["push_files", "search", "new_tool"], OTHERS, "allow");
    expect([column.tools.push_files!.others, column.tools.search!.others, column.tools.new_tool!.others]).toEqual(["allow", "allow", "allow"]);
  });

  it("lists the staged cell changes and replays them on a newer matrix", () => {
    const edited = setCell(setCell(base, "*", "developer", "inherit"), "search", OTHERS, "deny");
    const changes = matrixChanges(base, edited);
    expect(changes).toEqual([
      { tool: "*", column: "developer", from: "deny", to: "inherit" },
      { tool: "search", column: OTHERS, from: "inherit", to: "deny" },
    ]);
    const theirs = setCell(base, "push_files", "developer", "allow");
    const rebased = applyChanges(theirs, changes);
    expect(matrixChanges(theirs, rebased)).toEqual(changes);
    expect(rebased.tools.push_files!.groups.developer).toBe("allow");
  });

  it("says who gains or loses a tool once inheritance is resolved", () => {
    // Lifting the default's deny for developer opens every tool without a rule of its own to developer.
    const edited = setCell(base, "*", "developer", "inherit");
    expect(accessChanges(base, edited, ["push_files", "search"])).toEqual([
      { tool: "*", column: "developer", from: "deny", to: "allow" },
      { tool: "search", column: "developer", from: "deny", to: "allow" },
    ]);
  });
});
