import { describe, expect, it } from "vitest";
import { GatewayError } from "../errors";
import { parseJsonRpcBody } from "./message";
import { checkRoutingHeaders, decodeHeaderValue } from "./routing-headers";

const call = parseJsonRpcBody('{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"push_files"}}', "2026-07-28");
const read = parseJsonRpcBody('{"jsonrpc":"2.0","id":9,"method":"resources/read","params":{"uri":"file:///ü.txt"}}', "2026-07-28");

function outcome(method: string | undefined, name: string | undefined, body = call): string {
  try {
    checkRoutingHeaders(method, name, body, "2025-11-25");
    return "ok";
  } catch (error) {
    return (error as GatewayError).code;
  }
}

describe("Mcp-Method / Mcp-Name must agree with the body (2026-07-28)", () => {
  it.each([
    [undefined, undefined, call, "ok"],
    ["tools/call", "push_files", call, "ok"],
    ["tools/call", undefined, call, "ok"],
    ["tools/call", "echo", call, "header_mismatch"],
    ["tools/list", "push_files", call, "header_mismatch"],
    ["TOOLS/CALL", undefined, call, "header_mismatch"],
    [undefined, "=?base64?cHVzaF9maWxlcw==?=", call, "ok"],
    [undefined, "=?base64?ZWNobw==?=", call, "header_mismatch"],
    ["resources/read", `=?base64?${Buffer.from("file:///ü.txt").toString("base64")}?=`, read, "ok"],
    ["resources/read", "file:///u.txt", read, "header_mismatch"],
  ] as const)("%s / %s", (method, name, body, expected) => {
    expect(outcome(method, name, body)).toBe(expected);
  });

  it("answers a mismatch with -32020 and the request id", () => {
    try {
      checkRoutingHeaders("tools/call", "echo", call, "2025-11-25");
    } catch (error) {
      expect(error).toMatchObject({ code: "header_mismatch", jsonRpcCode: -32020, httpStatus: 400, id: 9 });
      return;
    }
    throw new Error("expected a mismatch");
  });

  it("decodes only the exact base64 sentinel", () => {
    expect(decodeHeaderValue("=?base64?aGk=?=")).toBe("hi");
    expect(decodeHeaderValue("=?BASE64?aGk=?=")).toBe("=?BASE64?aGk=?=");
    expect(decodeHeaderValue("plain")).toBe("plain");
  });
});

describe("from 2026-07-28 on, the routing headers are required", () => {
  const list = parseJsonRpcBody('{"jsonrpc":"2.0","id":1,"method":"tools/list"}', "2026-07-28");
  const note = parseJsonRpcBody('{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}', "2026-07-28");
  const answer = parseJsonRpcBody('{"jsonrpc":"2.0","id":1,"result":{}}', "2026-07-28");
  function required(method: string | undefined, name: string | undefined, body: typeof call, version = "2026-07-28"): string {
    try {
      checkRoutingHeaders(method, name, body, version);
      return "ok";
    } catch (error) {
      return `${(error as GatewayError).code}: ${(error as GatewayError).message}`;
    }
  }
  it.each([
    [undefined, undefined, list, "2026-07-28", "header_mismatch: Mcp-Method is required"],
    ["tools/list", undefined, list, "2026-07-28", "ok"],
    ["tools/call", undefined, call, "2026-07-28", "header_mismatch: Mcp-Name is required for tools/call"],
    ["resources/read", undefined, read, "2026-07-28", "header_mismatch: Mcp-Name is required for resources/read"],
    [undefined, undefined, note, "2026-07-28", "header_mismatch: Mcp-Method is required"],
    [undefined, undefined, answer, "2026-07-28", "ok"],
    [undefined, undefined, call, "2025-11-25", "ok"],
  ] as const)("%s / %s on %s", (method, name, body, version, expected) => {
    expect(required(method, name, body, version)).toMatch(new RegExp(`^${expected.replace(/[/]/g, "\\/")}`));
  });
});
