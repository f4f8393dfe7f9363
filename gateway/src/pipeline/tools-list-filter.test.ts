import { describe, expect, it } from "vitest";
import { compileAcl } from "../../../lib/core/acl/decide";
import { GatewayError } from "../errors";
import { filterToolsList, judgeToolsListBody, judgeToolsListText as judgeWith } from "./tools-list-filter";

const acl = compileAcl({
  default: { deny: ["developer"] },
  tools: [
    { name: "search_repositories", allow: ["admin", "developer"] },
    { name: "push_files", allow: ["admin"] },
  ],
});
const dev = { username: "dev-user", groups: ["developer"] };
const admin = { username: "admin-user", groups: ["admin"] };
const judgeToolsListText = (text: string, _acl: typeof acl, caller: typeof dev, mustParse: boolean) => judgeWith(text, { acl, caller, mustParse, privateCache: false });
const filter = (value: unknown, caller: typeof dev) => filterToolsList(value, { acl, caller, mustParse: true, privateCache: false });
const page = (tools: unknown[], extra: Record<string, unknown> = {}) => ({ jsonrpc: "2.0", id: 1, result: { tools, ...extra } });

function refused(text: string, mustParse = true): string {
  try {
    judgeToolsListText(text, acl, dev, mustParse);
  } catch (error) {
    if (error instanceof GatewayError) return error.code;
    throw error;
  }
  throw new Error(`expected ${text.slice(0, 80)} to be refused`);
}

describe("filterToolsList", () => {
  it("keeps only callable tools and every other field, nextCursor included", () => {
    const message = page([{ name: "search_repositories", description: "d" }, { name: "push_files" }, { name: "create_issue" }], { nextCursor: "p2", _meta: { x: 1 } });
    expect(filter(message, dev)).toEqual(page([{ name: "search_repositories", description: "d" }], { nextCursor: "p2", _meta: { x: 1 } }));
    expect(filter(message, admin)).toEqual(message);
  });

  it("leaves an emptied page with its cursor, so paging goes on", () => {
    expect(filter(page([{ name: "push_files" }], { nextCursor: "p3" }), dev)).toEqual(page([], { nextCursor: "p3" }));
  });

  it("drops tools whose names the gateway would refuse to call, and nameless entries", () => {
    expect(filter(page([{ name: "search_repositories " }, { name: "ｓearch" }, {}, null, { name: 3 }]), admin)).toEqual(page([]));
  });

  it("filters each tools/list result of a batch response, and leaves other messages as they are", () => {
    const other = { jsonrpc: "2.0", id: 2, result: { content: [] } };
    expect(filter([page([{ name: "push_files" }]), other], dev)).toEqual([page([]), other]);
    expect(filter(other, dev)).toBe(other);
  });
});

describe("judgeToolsListText: decides on the parsed value, fails closed", () => {
  const list = JSON.stringify(page([{ name: "search_repositories" }, { name: "push_files" }]));

  it("sends the judged value re-serialised, the same text for the same caller, another for another", () => {
    expect(JSON.parse(judgeToolsListText(list, acl, dev, true)!)).toEqual(page([{ name: "search_repositories" }]));
    expect(judgeToolsListText(list, acl, dev, true)).toBe(judgeToolsListText(list, acl, dev, true));
    expect(JSON.parse(judgeToolsListText(list, acl, admin, true)!)).toEqual(JSON.parse(list));
  });

  it.each([
    ["a BOM before the body", `\ufeff${list}`],
    ["the key written with an escape", list.replace('"tools"', '"\\u0074ools"')],
    ["a duplicate result (a first-wins client reads the first)", `{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"push_files"}]},"result":{"tools":[]}}`],
    ["a duplicate tools key", `{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"push_files"}],"tools":[{"name":"search_repositories"}]}}`],
  ])("never delivers a denied tool with %s", (_what, text) => {
    const out = judgeToolsListText(text, acl, dev, true)!;
    expect(out).not.toContain("push_files");
    expect(out.split("tools").length).toBe(2);
  });

  it.each([
    ["not JSON", `{"result":{"tools":[{"name":"push_files"}]`],
    ["Result in another case", `{"jsonrpc":"2.0","id":1,"Result":{"tools":[{"name":"push_files"}]}}`],
    ["Tools beside tools", `{"jsonrpc":"2.0","id":1,"result":{"tools":[],"Tools":[{"name":"push_files"}]}}`],
    ["a long-s toolſ", `{"jsonrpc":"2.0","id":1,"result":{"toolſ":[{"name":"push_files"}]}}`],
    ["name beside Name in a tool", `{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"search_repositories","Name":"push_files"}]}}`],
    ["a result beside an error", `{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"x"},"result":{"tools":[{"name":"push_files"}]}}`],
    ["tools that are not an array", `{"jsonrpc":"2.0","id":1,"result":{"tools":{"0":{"name":"push_files"}}}}`],
    ["20,000 nested arrays", `{"jsonrpc":"2.0","id":1,"result":{"tools":[${"[".repeat(20_000)}${"]".repeat(20_000)}]}}`],
    ["20,000 nested arrays around the result", `${"[".repeat(20_000)}${list}${"]".repeat(20_000)}`],
  ])("refuses %s (upstream_invalid)", (_what, text) => {
    expect(refused(text)).toBe("upstream_invalid");
  });

  it("passes text that cannot name a list untouched, unless it answers tools/list", () => {
    expect(judgeToolsListText('{"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}}', acl, dev, false)).toBeUndefined();
    expect(judgeToolsListText("not json at all", acl, dev, false)).toBeUndefined();
    expect(refused("not json at all", true)).toBe("upstream_invalid");
    expect(refused("not json, but it says tools", false)).toBe("upstream_invalid");
    expect(judgeToolsListText("", acl, dev, true)).toBeUndefined();
  });

  it("judges a GET-stream event naming tools even when no tools/list was seen", () => {
    expect(JSON.parse(judgeToolsListText(list, acl, dev, false)!)).toEqual(page([{ name: "search_repositories" }]));
  });
});

describe("2026-07-28 cacheable lists", () => {
  it("marks a filtered list private, keeping the upstream's ttlMs, or 0 when it sent none or a bad one", () => {
    const judge = (result: Record<string, unknown>) =>
      JSON.parse(judgeWith(JSON.stringify({ jsonrpc: "2.0", id: 1, result }), { acl, caller: dev, mustParse: true, privateCache: true })!).result;
    expect(judge({ resultType: "complete", tools: [{ name: "push_files" }], ttlMs: 60_000, cacheScope: "public" })).toEqual({
      resultType: "complete",
      tools: [],
      ttlMs: 60_000,
      cacheScope: "private",
    });
    expect(judge({ tools: [] })).toEqual({ tools: [], ttlMs: 0, cacheScope: "private" });
    expect(judge({ tools: [], ttlMs: -5 }).ttlMs).toBe(0);
    expect(judge({ resultType: "input_required", inputRequests: {} })).toEqual({ resultType: "input_required", inputRequests: {} });
  });
});

describe("judgeToolsListBody: a repeated body is recognised by all of its bytes", () => {
  const judgeBody = (raw: Buffer, caller: typeof dev, again?: () => void) =>
    judgeToolsListBody(raw, { acl, caller, mustParse: true, privateCache: false, admit: again && (() => ({ admitted: true, again })) }, "github");
  // Two bodies of one length and the same first and last 64 bytes: the fingerprint matches, the bytes do not.
  const padding = { description: "x".repeat(80) };
  const body = (middle: string) =>
    Buffer.from(
      JSON.stringify(
        page([
          { name: "a_first_tool", ...padding },
          { name: middle, ...padding },
          { name: "z_last_tool", ...padding },
        ]),
      ),
    );
  const allowed = body("search_repositories");
  const denied = body("push_files_aaaaaaaa");

  it("answers a repeat with the same judged bytes, and judges a body with another middle afresh", () => {
    expect(allowed.length).toBe(denied.length);
    const first = judgeBody(allowed, dev);
    expect(judgeBody(Buffer.from(allowed), dev)).toBe(first);
    expect(JSON.parse(first.toString()).result.tools.map((t: { name: string }) => t.name)).toEqual(["search_repositories"]);
    expect(JSON.parse(judgeBody(denied, dev).toString()).result.tools).toEqual([]);
    // And back: the earlier body was not taken for the later one either.
    expect(JSON.parse(judgeBody(Buffer.from(allowed), dev).toString()).result.tools.map((t: { name: string }) => t.name)).toEqual(["search_repositories"]);
  });

  it("keeps callers apart, and replays what the first judgement remembered on every repeat", () => {
    let replays = 0;
    const raw = Buffer.from(JSON.stringify(page([{ name: "search_repositories" }, { name: "push_files" }], { nextCursor: "replay" })));
    judgeBody(raw, admin, () => replays++);
    judgeBody(Buffer.from(raw), admin, () => replays++);
    expect(replays).toBe(2);
    expect(JSON.parse(judgeBody(raw, dev).toString()).result.tools).toEqual([{ name: "search_repositories" }]);
  });

  it("refuses an empty or unparsable body every time, naming the server", () => {
    for (let i = 0; i < 2; i++) {
      expect(() => judgeBody(Buffer.from("  "), dev)).toThrow(/Server 'github' sent an empty answer/);
      expect(() => judgeBody(Buffer.from('{"jsonrpc":"2.0","id":1,"result":{"tools":[}'), dev)).toThrow(GatewayError);
    }
  });
});
