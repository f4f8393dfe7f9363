import { describe, expect, it } from "vitest";
import { parseToolsFile } from "./tools";

const tool = (name: string, extra: Record<string, unknown> = {}) => ({ name, inputSchema: { type: "object" }, ...extra });

describe("importing a tools/list result from a JSON file", () => {
  it("accepts the result, or the JSON-RPC response around it, keeping fields it does not know", () => {
    const result = { tools: [tool("get_me", { description: "Me", annotations: { readOnlyHint: true, title: "Me" }, icons: [] })] };
    const direct = parseToolsFile(JSON.stringify(result));
    expect(direct).toEqual({ ok: true, tools: result.tools });
    expect(parseToolsFile(JSON.stringify({ jsonrpc: "2.0", id: 2, result }))).toEqual(direct);
    expect(parseToolsFile('{"tools": []}')).toEqual({ ok: true, tools: [] });
  });

  it.each([
    ["text that is not JSON", "{tools:", "not valid JSON"],
    ["JSON without a tools array", JSON.stringify({ items: [] }), 'an object with a "tools" array'],
    ["a JSON-RPC error", JSON.stringify({ jsonrpc: "2.0", id: 1, error: { code: -32601, message: "Method not found" } }), "JSON-RPC error, not a tool list: Method not found"],
    ["tools that is not an array", JSON.stringify({ tools: {} }), "tools: Invalid input: expected array"],
    ["a tool without an input schema", JSON.stringify({ tools: [{ name: "x" }] }), "tools[0].inputSchema: every tool needs an inputSchema object"],
    [
      "an input schema that is not an object schema",
      JSON.stringify({ tools: [tool("x", { inputSchema: { type: "string" } })] }),
      'tools[0].inputSchema.type: inputSchema.type must be "object"',
    ],
    ["a tool name with a space", JSON.stringify({ tools: [tool("push files")] }), "tools[0].name: a tool name is 1–128 characters"],
    ["a read-only hint that is not a boolean", JSON.stringify({ tools: [tool("x", { annotations: { readOnlyHint: "yes" } })] }), "tools[0].annotations.readOnlyHint"],
    ["the same tool twice (up to case)", JSON.stringify({ tools: [tool("push"), tool("PUSH")] }), 'tools[1].name: "PUSH" is listed twice (first as tools[0])'],
    ["one page of several", JSON.stringify({ tools: [tool("x")], nextCursor: "2" }), "one page of several"],
  ])("refuses %s with a clear message", (_, text, message) => {
    const result = parseToolsFile(text);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.join("\n")).toContain(message);
  });

  it("lists every problem, not just the first", () => {
    const result = parseToolsFile(JSON.stringify({ tools: [{ name: "a b" }, tool("ok"), { name: "c" }] }));
    expect(result.ok ? [] : result.problems).toHaveLength(3);
  });
});
