// The client-side view is what the response checks trust, so it is tested
// against the SSE rules and the decoders it stands for.
import { describe, expect, it } from "vitest";
import { namesVisible, sseEventData } from "./client-view";

describe("sseEventData", () => {
  it.each([
    ["LF events", "data: a\n\ndata: b\n\n", ["a", "b"]],
    ["CR and CRLF line ends", "data: a\r\rdata: b\r\n\r\n", ["a", "b"]],
    ["data lines joined by LF, other fields ignored", "id: 1\nevent: message\ndata: x\ndata:y\n: comment\n\n", ["x\ny"]],
    ["one leading BOM skipped", "\ufeffdata: a\n\n", ["a"]],
    ["an event with empty data not dispatched", "data: \n\nretry: 10\n\n", []],
    ["an unterminated last event kept (the worst case)", "data: a\n\ndata: b", ["a", "b"]],
  ])("%s", (_what, stream, events) => {
    expect(sseEventData(stream)).toEqual(events);
  });
});

describe("namesVisible", () => {
  const list = (body: string) => `{"jsonrpc":"2.0","id":1,"result":${body}}`;
  it("finds a listed tool under each decoder that reads it, and nowhere else", () => {
    const where = (body: string, sse = false) => namesVisible(body, sse, ["push_files"]).map((s) => s.where);
    expect(where(list('{"tools":[{"name":"get_me"}]}'))).toEqual([]);
    expect(where(list('{"tools":[{"name":"push_files"}]}'))).toHaveLength(5);
    expect(where(list('{"TOOLS":[{"name":"push_files"}]}'))).toEqual([expect.stringMatching(/^Go/)]);
    expect(where(`\ufeff${list('{"tools":[{"name":"push_files"}]}')}`)).toEqual([expect.stringMatching(/BOM skipped/)]);
    expect(where(`data: ${list('{"\\u0074ools":[{"name":"push_files"}]}')}\n\n`, true)).toHaveLength(5);
    // Named, but not as a listed tool: a description, or deep inside nested arrays.
    expect(where(list('{"tools":[{"name":"get_me","description":"not push_files"}]}'))).toEqual([]);
    expect(where(`[[${list('{"tools":[{"name":"push_files"}]}')}]]`)).toEqual([]);
    // A batch of responses is read element by element.
    expect(where(`[${list('{"tools":[{"name":"push_files"}]}')}]`)).toHaveLength(5);
  });
});
