import { describe, expect, it } from "vitest";
import { GatewayError } from "../errors";
import { parseJsonRpcBody, serialiseBody } from "./message";

function refusal(text: string, version = "2025-06-18"): { code: string; id: unknown; message: string } {
  try {
    parseJsonRpcBody(text, version);
  } catch (error) {
    if (error instanceof GatewayError) return { code: error.code, id: error.id, message: error.message };
    throw error;
  }
  throw new Error(`expected ${text} to be refused`);
}

describe("parseJsonRpcBody: what the gateway decides on is what it forwards", () => {
  it.each([
    ["duplicate keys: the last one counts, and only it is forwarded", '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","name":"push_files"}}', "push_files"],
    ["escaped names are decoded once, and forwarded decoded", '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"\\u0070ush_files"}}', "push_files"],
    ["duplicate params objects", '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"},"params":{"name":"push_files"}}', "push_files"],
  ])("%s", (_what, text, tool) => {
    const body = parseJsonRpcBody(text, "2025-06-18");
    const forwarded = serialiseBody(body);
    expect(JSON.parse(forwarded).params.name).toBe(tool);
    // The forwarded bytes hold the name exactly once, unescaped.
    expect(forwarded.split('"name"').length).toBe(2);
    expect(forwarded).toContain(`"name":"${tool}"`);
  });

  it.each([
    ["trailing space", '"push_files "'],
    ["NUL", '"push_files\\u0000"'],
    ["full-width letters", '"ｐｕｓｈ_files"'],
    ["empty", '""'],
    ["not a string", '["push_files"]'],
    ["a number", "42"],
    ["missing", "null"],
  ])("refuses a tool name with %s (-32602, with the request id)", (_what, name) => {
    const r = refusal(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":${name}}}`);
    expect(r).toMatchObject({ code: "invalid_params", id: 7 });
  });

  it.each(["Tools/Call", "TOOLS/LIST", "tools/call ", "tools/cal\u0000l", "ｔools/call", ""])("refuses method %j (-32600)", (method) => {
    expect(refusal(JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: { name: "push_files" } })).code).toBe("invalid_request");
  });

  it("passes other methods, notifications and responses to server requests", () => {
    const kinds = ['{"jsonrpc":"2.0","id":"a","method":"resources/list"}', '{"jsonrpc":"2.0","method":"notifications/initialized"}', '{"jsonrpc":"2.0","id":3,"result":{}}', '{"jsonrpc":"2.0","id":4,"error":{"code":1,"message":"x"}}'].map(
      (t) => parseJsonRpcBody(t, "2025-06-18").messages[0]!.kind,
    );
    expect(kinds).toEqual(["request", "notification", "response", "response"]);
  });

  it.each([
    ["not JSON", "{", "parse_error"],
    ["not JSON-RPC 2.0", '{"id":1,"method":"ping"}', "invalid_request"],
    ["an object id", '{"jsonrpc":"2.0","id":{},"method":"ping"}', "invalid_request"],
    ["a null request id", '{"jsonrpc":"2.0","id":null,"method":"ping"}', "invalid_request"],
    ["neither request nor response", '{"jsonrpc":"2.0","id":1}', "invalid_request"],
    ["a scalar", "42", "invalid_request"],
  ])("refuses %s", (_what, text, code) => {
    expect(refusal(text).code).toBe(code);
  });

  it("refuses batches from 2025-06-18 on (-32600) and checks them element by element in 2025-03-26", () => {
    const batch = '[{"jsonrpc":"2.0","id":1,"method":"tools/list"},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"push_files"}}]';
    expect(refusal(batch, "2025-06-18")).toMatchObject({ code: "invalid_request", message: expect.stringContaining("batches are not supported") });
    expect(refusal(batch, "2026-07-28").code).toBe("invalid_request");
    const body = parseJsonRpcBody(batch, "2025-03-26");
    expect(body.batch).toBe(true);
    expect(body.messages.map((m) => m.kind === "request" && m.method)).toEqual(["tools/list", "tools/call"]);
    expect(JSON.parse(serialiseBody(body))).toHaveLength(2);
    expect(refusal("[]", "2025-03-26").code).toBe("invalid_request");
    expect(refusal('[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a b"}}]', "2025-03-26").code).toBe("invalid_params");
  });
});
