import { describe, expect, it } from "vitest";
import { eventData, SseRelay } from "./sse";

async function relay(chunks: string[], options: ConstructorParameters<typeof SseRelay>[0]): Promise<string> {
  const stream = new SseRelay(options);
  let out = "";
  stream.on("data", (c: Buffer | string) => (out += c.toString()));
  const done = new Promise((resolve) => stream.on("end", resolve));
  for (const chunk of chunks) stream.write(Buffer.from(chunk));
  stream.end();
  await done;
  return out;
}

const dropSecret = (data: string) => {
  const m = JSON.parse(data) as { result?: { tools?: { name: string }[] } };
  return m.result?.tools ? JSON.stringify({ ...m, result: { ...m.result, tools: m.result.tools.filter((t) => t.name !== "secret") } }) : undefined;
};

describe("SseRelay", () => {
  it("passes a stream it does not change byte for byte, however it is cut", async () => {
    const stream = 'retry: 3000\nid: 1\nevent: message\ndata: {"a":1}\n\n: comment\r\n\r\nid: 2\r\ndata: x\r\ndata: y\r\n\r\ndata: ü\r\rid:3\n\n';
    for (const size of [1, 2, 3, 7, stream.length]) {
      const chunks: string[] = [];
      const bytes = Buffer.from(stream);
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size).toString("latin1"));
      // latin1 round-trip keeps the raw bytes, including a split multi-byte character.
      const relayed = new SseRelay({ rewrite: dropSecret, hint: '"tools"', keepAliveMs: 60_000 });
      let got = "";
      relayed.on("data", (c: Buffer | string) => (got += c.toString()));
      const ended = new Promise((resolve) => relayed.on("end", resolve));
      for (const c of chunks) relayed.write(Buffer.from(c, "latin1"));
      relayed.end();
      await ended;
      expect(got).toBe(stream);
    }
  });

  it("rewrites a tools/list result split across chunks and keeps its id, event and retry lines", async () => {
    const message = JSON.stringify({ jsonrpc: "2.0", id: 2, result: { tools: [{ name: "echo" }, { name: "secret" }], nextCursor: "c2" } });
    const event = `id: ev-9\nretry: 500\nevent: message\ndata: ${message}\n\n`;
    const out = await relay([event.slice(0, 30), event.slice(30, 61), event.slice(61)], { rewrite: dropSecret, hint: '"tools"', keepAliveMs: 60_000 });
    expect(out).toBe(`id: ev-9\nretry: 500\nevent: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", id: 2, result: { tools: [{ name: "echo" }], nextCursor: "c2" } })}\n\n`);
  });

  it("joins multi-line data as the SSE spec does", () => {
    expect(eventData("id: 1\ndata: {\"a\":\ndata:1}\ndata")).toBe('{"a":\n1}\n');
    expect(eventData("id: 1\n: comment")).toBeUndefined();
    expect(eventData("database: x")).toBeUndefined();
  });

  it("sends a comment line when the stream is idle, never inside an event", async () => {
    const stream = new SseRelay({ keepAliveMs: 100 });
    let out = "";
    stream.on("data", (c: Buffer | string) => (out += c.toString()));
    stream.write(Buffer.from("data: half"));
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(out).toBe("");
    stream.write(Buffer.from("\n\n"));
    await new Promise<void>((resolve) => stream.once("data", () => resolve()));
    expect(out).toMatch(/^data: half\n\n: keep-alive\n\n/);
    stream.destroy();
  });
});
