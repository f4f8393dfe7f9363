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
    const kinds = [
      '{"jsonrpc":"2.0","id":"a","method":"resources/list"}',
      '{"jsonrpc":"2.0","method":"notifications/initialized"}',
      '{"jsonrpc":"2.0","id":3,"result":{}}',
      '{"jsonrpc":"2.0","id":4,"error":{"code":1,"message":"x"}}',
    ].map((t) => parseJsonRpcBody(t, "2025-06-18").messages[0]!.kind);
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

describe("parseJsonRpcBody: one meaning for every mainstream decoder", () => {
  const call = (params: string, envelope = '"jsonrpc":"2.0","id":1,"method":"tools/call"') => `{${envelope},"params":${params}}`;

  it.each([
    ["Name beside name (Go: the last matching key wins)", call('{"name":"search_repositories","Name":"push_files","arguments":{}}'), "invalid_params"],
    ["NAME alone", call('{"NAME":"push_files"}'), "invalid_params"],
    ["a long-s spelling of a member (ſ folds to s)", call('{"name":"search","argumentſ":{"q":1}}'), "invalid_params"],
    ["Arguments beside arguments", call('{"name":"search","arguments":{},"Arguments":{"q":1}}'), "invalid_params"],
    ["argument keys that fold together", call('{"name":"search","arguments":{"owner":"acme","Owner":"evil"}}'), "invalid_params"],
    ["argument keys meeting under the Kelvin sign, deep inside", call('{"name":"search","arguments":{"a":[{"kind":"x","\u212Aind":"y"}]}}'), "invalid_params"],
    ["Params beside params", '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search"},"Params":{"name":"push_files"}}', "invalid_request"],
    ["paramſ", '{"jsonrpc":"2.0","id":1,"method":"tools/call","paramſ":{"name":"push_files"}}', "invalid_request"],
    ["Method beside method", '{"jsonrpc":"2.0","id":1,"method":"ping","Method":"tools/call","params":{"name":"push_files"}}', "invalid_request"],
    ["METHOD alone", '{"jsonrpc":"2.0","id":1,"METHOD":"tools/list"}', "invalid_request"],
    ["ID (the gateway would see a notification)", '{"jsonrpc":"2.0","ID":1,"method":"tools/call","params":{"name":"push_files"}}', "invalid_request"],
    ["JSONRPC", '{"JSONRPC":"2.0","jsonrpc":"2.0","id":1,"method":"ping"}', "invalid_request"],
    ["a request that is also a response", '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a"},"result":{}}', "invalid_request"],
    ["a response with both result and error", '{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"x"}}', "invalid_request"],
  ])("refuses %s", (_what, text, code) => {
    expect(refusal(text).code).toBe(code);
  });

  it("refuses a batch element spelt loosely", () => {
    const batch = '[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","Name":"push_files"}}]';
    expect(refusal(batch, "2025-03-26").code).toBe("invalid_params");
  });

  it.each(["tools/call", "tools/list"])("refuses %s sent as a notification (no id)", (method) => {
    const r = refusal(JSON.stringify({ jsonrpc: "2.0", method, params: { name: "push_files" } }));
    expect(r).toMatchObject({ code: "invalid_request", message: expect.stringContaining("must be sent as a request") });
  });

  it.each(["tools//call", "tools/call/", "tools.call", "toolscall", "Tools/List", "tools_list", "/tools/list"])("refuses the near miss %j of a guarded method", (method) => {
    expect(refusal(JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: { name: "a" } })).code).toBe("invalid_request");
  });

  it("refuses arguments nested 30,000 deep with -32600, and accepts ordinary depth", () => {
    const deep = `${"[".repeat(30_000)}${"]".repeat(30_000)}`;
    expect(refusal(call(`{"name":"search","arguments":{"a":${deep}}}`))).toMatchObject({ code: "invalid_request", id: 1 });
    const fine = `${'{"a":'.repeat(50)}1${"}".repeat(50)}`;
    expect(parseJsonRpcBody(call(`{"name":"search","arguments":${fine}}`), "2025-06-18").messages[0]!.kind).toBe("request");
  });

  it("forwards the envelope rebuilt from the members it read, other envelope keys dropped", () => {
    const body = parseJsonRpcBody(
      '{"extra":{"method":"tools/call"},"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"search","arguments":{"q":"x"},"task":{"ttl":1}}}',
      "2025-06-18",
    );
    expect(serialiseBody(body)).toBe('{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"search","arguments":{"q":"x"},"task":{"ttl":1}}}');
  });

  it("keeps keys that merely look alike to a human but no decoder folds together", () => {
    const body = parseJsonRpcBody(call('{"name":"search","arguments":{"user_name":"a","username":"b","名前":"c"}}'), "2025-06-18");
    expect(body.messages[0]!.kind).toBe("request");
  });
});
