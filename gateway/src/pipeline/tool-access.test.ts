import { describe, expect, it } from "vitest";
import { compileAcl } from "../../../lib/core/acl/decide";
import { parseJsonRpcBody } from "../jsonrpc/message";
import { decideToolCalls } from "./tool-access";

const acl = compileAcl({ default: { deny: ["developer"] }, tools: [{ name: "search_repositories", allow: ["admin", "developer"] }, { name: "push_files", allow: ["admin"] }] });
const dev = { username: "dev-user", groups: ["developer"] };
const admin = { username: "admin-user", groups: ["admin"] };

describe("decideToolCalls", () => {
  it("denies with the issue's message and the request id", () => {
    const body = parseJsonRpcBody('{"jsonrpc":"2.0","id":"x1","method":"tools/call","params":{"name":"push_files"}}', "2025-06-18");
    expect(() => decideToolCalls(acl, dev, body)).toThrow(expect.objectContaining({ code: "tool_denied", id: "x1", message: "Tool 'push_files' is not available for consumer group 'developer'" }));
    expect(() => decideToolCalls(acl, admin, body)).not.toThrow();
  });

  it("decides case and Unicode variants on the normalised name", () => {
    const body = parseJsonRpcBody('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"PUSH_FILES"}}', "2025-06-18");
    expect(() => decideToolCalls(acl, dev, body)).toThrow(expect.objectContaining({ code: "tool_denied" }));
  });

  it("refuses a whole 2025-03-26 batch when one call in it is denied", () => {
    const body = parseJsonRpcBody('[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_repositories"}},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"push_files"}}]', "2025-03-26");
    expect(() => decideToolCalls(acl, dev, body)).toThrow(expect.objectContaining({ code: "tool_denied", id: null }));
  });
});
