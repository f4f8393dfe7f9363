import { describe, expect, it } from "vitest";
import { diffTools, hashInputSchema, type StoredTool } from "./tool-diff";

const stored = (name: string, over: Partial<StoredTool> = {}): StoredTool => ({
  name,
  description: `${name} tool`,
  inputSchemaHash: hashInputSchema({ type: "object" }),
  readOnlyHint: null,
  goneAt: null,
  ...over,
});
const listed = (name: string, over: Record<string, unknown> = {}) => ({ name, description: `${name} tool`, inputSchema: { type: "object" as const }, ...over });

describe("tool list diff", () => {
  it("hashes input schemas by canonical JSON, so key order is not a change", () => {
    expect(hashInputSchema({ type: "object", properties: { a: 1, b: [1, { y: 2, x: 1 }] } })).toBe(
      hashInputSchema({ properties: { b: [1, { x: 1, y: 2 }], a: 1 }, type: "object" }),
    );
    expect(hashInputSchema({ a: [1, 2] })).not.toBe(hashInputSchema({ a: [2, 1] }));
  });

  it.each([
    ["nothing stored: every tool is new", [], [listed("a")], { added: ["a"], changed: [], gone: [], unchanged: 0 }],
    ["the same list: nothing changes", [stored("a")], [listed("a")], { added: [], changed: [], gone: [], unchanged: 1 }],
    ["a new description", [stored("a")], [listed("a", { description: "new" })], { added: [], changed: ["a:description"], gone: [], unchanged: 0 }],
    ["a new input schema", [stored("a")], [listed("a", { inputSchema: { type: "object", required: ["x"] } })], { added: [], changed: ["a:inputSchema"], gone: [], unchanged: 0 }],
    [
      "a read-only hint that flips",
      [stored("a", { readOnlyHint: true })],
      [listed("a", { annotations: { readOnlyHint: false } })],
      { added: [], changed: ["a:readOnlyHint"], gone: [], unchanged: 0 },
    ],
    ["a tool no longer listed", [stored("a"), stored("b")], [listed("a")], { added: [], changed: [], gone: ["b"], unchanged: 1 }],
    ["a tool already gone stays quiet", [stored("a"), stored("b", { goneAt: new Date() })], [listed("a")], { added: [], changed: [], gone: [], unchanged: 1 }],
    ["a gone tool listed again is new again", [stored("b", { goneAt: new Date() })], [listed("b")], { added: ["b (again)"], changed: [], gone: [], unchanged: 0 }],
  ])("%s", (_, before, after, expected) => {
    const diff = diffTools(before, after);
    expect({
      added: diff.added.map((a) => (a.listedAgain ? `${a.name} (again)` : a.name)),
      changed: diff.changed.flatMap((c) => c.fields.map((f) => `${c.name}:${f}`)),
      gone: diff.gone,
      unchanged: diff.unchanged,
    }).toEqual(expected);
  });
});
