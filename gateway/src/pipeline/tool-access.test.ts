import { describe, expect, it } from "vitest";
import { compileAcl } from "../../../lib/core/acl/decide";
import { parseJsonRpcBody } from "../jsonrpc/message";
import { decideToolCalls, filterToolsList, filterToolsListText } from "./tool-access";

const acl = compileAcl({ default: { deny: ["developer"] }, tools: [{ name: "search_repositories", allow: ["admin", "developer"] }, { name: "push_files", allow: ["admin"] }] });
const dev = { username: "dev-user", groups: ["developer"] };
const admin = { username: "admin-user", groups: ["admin"] };
const page = (tools: unknown[], extra: Record<string, unknown> = {}) => ({ jsonrpc: "2.0", id: 1, result: { tools, ...extra } });

describe("filterToolsList", () => {
  it("keeps only callable tools and every other field, nextCursor included", () => {
    const message = page([{ name: "search_repositories", description: "d" }, { name: "push_files" }, { name: "create_issue" }], { nextCursor: "p2", _meta: { x: 1 } });
    expect(filterToolsList(message, acl, dev)).toEqual(page([{ name: "search_repositories", description: "d" }], { nextCursor: "p2", _meta: { x: 1 } }));
    // Nothing removed: undefined, and the upstream's bytes go out as they came.
    expect(filterToolsList(message, acl, admin)).toBeUndefined();
  });

  it("leaves an emptied page with its cursor, so paging goes on", () => {
    expect(filterToolsList(page([{ name: "push_files" }], { nextCursor: "p3" }), acl, dev)).toEqual(page([], { nextCursor: "p3" }));
  });

  it("drops tools whose names the gateway would refuse to call, and nameless entries", () => {
    expect(filterToolsList(page([{ name: "search_repositories " }, { name: "ｓearch" }, {}, null, { name: 3 }]), acl, admin)).toEqual(page([]));
  });

  it("on text: the same answer for the same caller and text, another for another caller", () => {
    const text = JSON.stringify(page([{ name: "search_repositories" }, { name: "push_files" }]));
    const forDev = filterToolsListText(text, acl, dev);
    expect(JSON.parse(forDev!)).toEqual(page([{ name: "search_repositories" }]));
    expect(filterToolsListText(text, acl, dev)).toBe(forDev);
    expect(filterToolsListText(text, acl, admin)).toBeUndefined();
    expect(filterToolsListText(text, acl, { username: "dev-user", groups: ["developer", "admin"] })).toBeUndefined();
    expect(filterToolsListText("not json with \"tools\"", acl, dev)).toBeUndefined();
    expect(filterToolsListText('{"jsonrpc":"2.0","id":1,"result":{}}', acl, dev)).toBeUndefined();
  });

  it("filters each tools/list result of a batch response, and ignores other messages", () => {
    const batch = [page([{ name: "push_files" }]), { jsonrpc: "2.0", id: 2, result: { content: [] } }];
    expect(filterToolsList(batch, acl, dev)).toEqual([page([]), batch[1]]);
    expect(filterToolsList({ jsonrpc: "2.0", id: 2, result: { content: [] } }, acl, dev)).toBeUndefined();
    expect(filterToolsList({ jsonrpc: "2.0", method: "notifications/progress" }, acl, dev)).toBeUndefined();
  });
});

describe("decideToolCalls", () => {
  it("denies with the issue's message and the request id", () => {
    const body = parseJsonRpcBody('{"jsonrpc":"2.0","id":"x1","method":"tools/call","params":{"name":"push_files"}}', "2025-06-18");
    expect(() => decideToolCalls(acl, dev, body)).toThrow(expect.objectContaining({ code: "tool_denied", id: "x1", message: "Tool 'push_files' is not available for consumer group 'developer'" }));
    expect(decideToolCalls(acl, admin, body)).toEqual([{ tool: "push_files", allowed: true }]);
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
