import { describe, expect, it } from "vitest";
import type { GatewayError } from "../errors";
import { endsBetweenEvents, eventData, streamTail, SseRelay, type SseRelayOptions } from "./sse";

const OPTIONS = { maxEventBytes: 16 * 1024 * 1024, keepAliveMs: 60_000 };

/** Writes the chunks, ends the stream and returns every byte the relay sent. */
async function relay(chunks: (Buffer | string)[], options: Partial<SseRelayOptions> = {}): Promise<Buffer> {
  const stream = new SseRelay({ ...OPTIONS, ...options });
  const out: Buffer[] = [];
  stream.on("data", (c: Buffer | string) => out.push(Buffer.from(c)));
  const ended = new Promise((resolve) => stream.on("end", resolve));
  for (const chunk of chunks) stream.write(Buffer.from(chunk));
  stream.end();
  await ended;
  return Buffer.concat(out);
}

/** Every way to cut `bytes` in two, and the cut into single bytes. */
function cuts(bytes: Buffer): Buffer[][] {
  const all = Array.from({ length: bytes.length - 1 }, (_, i) => [bytes.subarray(0, i + 1), bytes.subarray(i + 1)]);
  all.push(Array.from(bytes, (b) => Buffer.from([b])));
  return all;
}

const dropSecret = (data: string) => {
  let m: { result?: { tools?: { name: string }[] } };
  try {
    m = JSON.parse(data);
  } catch {
    return undefined;
  }
  return m.result?.tools ? JSON.stringify({ ...m, result: { ...m.result, tools: m.result.tools.filter((t) => t.name !== "secret") } }) : undefined;
};

const toolsEvent = (end: string) => `id: 7${end}data: {"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"secret"},{"name":"grüße-🐙"}]}}${end}${end}`;

// Mixed line ends, a lone CR before an LF-started line, multi-byte characters (2, 3 and 4 bytes).
const STREAMS = [
  'retry: 3000\nid: 1\nevent: message\ndata: {"a":1}\n\n: comment\r\n\r\nid: 2\r\ndata: x\r\ndata: y\r\n\r\ndata: "ü"\r\rid:3\n\n',
  `data: "€ and 🐙"\r\n\r\n${toolsEvent("\r\n")}${toolsEvent("\r")}\n${toolsEvent("\n")}`,
  'id: 1\rdata: "a"\r\r\ndata: "b"\n\r\n\r\r\ndata\n\n',
];

describe("SseRelay", () => {
  it.each(STREAMS.map((s, i) => [i, s]))("gives the same bytes however stream %i is cut, inspected or not", async (_i, stream) => {
    const bytes = Buffer.from(stream);
    for (const options of [{}, { rewrite: dropSecret }]) {
      const whole = await relay([bytes], options);
      if (!options.rewrite) expect(whole.equals(bytes)).toBe(true);
      for (const chunks of cuts(bytes)) expect((await relay(chunks, options)).toString("utf8")).toBe(whole.toString("utf8"));
    }
  });

  it("rewrites each inspected event on its own, keeping ids and line ends of the other lines", async () => {
    const out = await relay([STREAMS[1]!], { rewrite: dropSecret });
    const kept = 'data: {"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"grüße-🐙"}]}}\n';
    expect(out.toString("utf8")).toBe(`data: "€ and 🐙"\r\n\r\nid: 7\r\n${kept}\r\nid: 7\r${kept}\r\nid: 7\n${kept}\n`);
  });

  it("rewrites a tools/list result split across chunks and keeps its id, event and retry lines", async () => {
    const message = JSON.stringify({ jsonrpc: "2.0", id: 2, result: { tools: [{ name: "echo" }, { name: "secret" }], nextCursor: "c2" } });
    const event = `id: ev-9\nretry: 500\nevent: message\ndata: ${message}\n\n`;
    const out = await relay([event.slice(0, 30), event.slice(30, 61), event.slice(61)], { rewrite: dropSecret });
    expect(out.toString()).toBe(
      `id: ev-9\nretry: 500\nevent: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", id: 2, result: { tools: [{ name: "echo" }], nextCursor: "c2" } })}\n\n`,
    );
  });

  it("hands the rewrite the data lines joined, also behind a BOM, and writes a multi-line replacement as data lines", async () => {
    const seen: string[] = [];
    const rewrite = (data: string) => {
      seen.push(data);
      return "one\ntwo";
    };
    const out = await relay(['\uFEFFdata: {"a":\ndata:1}\nid: 4\n\n'], { rewrite });
    expect(seen).toEqual(['{"a":\n1}']);
    expect(out.toString()).toBe("data: one\ndata: two\nid: 4\n\n");
  });

  it("does not call the rewrite for events without data or with empty data (priming events)", async () => {
    const stream = "id: 1\ndata:\n\n: just a comment\n\nid: 2\nretry: 100\n\ndata\n\n";
    const out = await relay([stream], {
      rewrite: () => {
        throw new Error("must not be called");
      },
    });
    expect(out.toString()).toBe(stream);
  });

  it("joins multi-line data as the SSE spec does", () => {
    expect(eventData('id: 1\ndata: {"a":\ndata:1}\ndata')).toBe('{"a":\n1}\n');
    expect(eventData("id: 1\n: comment")).toBeUndefined();
    expect(eventData("database: x")).toBeUndefined();
  });

  it("passes an uninspected stream on as it arrives, an unfinished event included", async () => {
    const stream = new SseRelay(OPTIONS);
    stream.write(Buffer.from("data: half"));
    const first = await new Promise<Buffer>((resolve) => stream.once("data", resolve));
    expect(first.toString()).toBe("data: half");
    expect((await relay(["data: 1\n\ndata: cut"])).toString()).toBe("data: 1\n\ndata: cut");
    stream.destroy();
  });

  it("judges an inspected stream's unterminated last event like any other and sends it terminated", async () => {
    expect((await relay(["data: 1\n\ndata: cut"], { rewrite: () => undefined })).toString()).toBe("data: 1\n\ndata: cut\n\n");
    expect((await relay(["data: 1\n\ndata: cut"], { rewrite: (d) => (d === "cut" ? "judged" : undefined) })).toString()).toBe("data: 1\n\ndata: judged\n\n");
    const failed = (
      await relay(["data: 1\n\ndata: cut"], {
        rewrite: (d) => {
          if (d === "cut") throw new Error("no");
          return undefined;
        },
      })
    ).toString();
    expect(failed).toMatch(/^data: 1\n\nevent: message\ndata: .*"upstream_invalid"/);
  });

  it("tells from an uninspected stream's last 3 bytes whether it stands between events, after every prefix of every stream", () => {
    // The reference reads the whole prefix: every line but the last is ended; an empty one ends an event.
    const between = (text: string) => {
      const lines = text.split(/\r\n|\r|\n/);
      let inEvent = false;
      for (const line of lines.slice(0, -1)) inEvent = line !== "";
      return !(inEvent || lines.at(-1) !== "");
    };
    for (const stream of [...STREAMS, "\n", "\r\n", "\r\r", "\n\r\n", "data: a\r", "data: a\r\r", ": c\n\n\n"]) {
      const bytes = Buffer.from(stream);
      for (let end = 0; end <= bytes.length; end++) {
        expect(endsBetweenEvents(bytes.subarray(Math.max(0, end - 3), end)), JSON.stringify(bytes.subarray(0, end).toString())).toBe(between(bytes.subarray(0, end).toString()));
      }
    }
  });

  it("keeps a stream's last 3 bytes however it is cut", () => {
    for (const stream of STREAMS) {
      const bytes = Buffer.from(stream);
      for (const chunks of cuts(bytes)) {
        const tail = chunks.reduce<Uint8Array>((kept, chunk) => streamTail(kept, chunk), new Uint8Array(0));
        expect(Buffer.from(tail).equals(bytes.subarray(bytes.length - 3))).toBe(true);
      }
    }
  });

  it("sends a comment line when an uninspected stream is idle, never inside an event", async () => {
    const stream = new SseRelay({ ...OPTIONS, keepAliveMs: 100 });
    let out = "";
    stream.on("data", (c: Buffer | string) => (out += c.toString()));
    stream.write(Buffer.from("data: half"));
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(out).toBe("data: half");
    stream.write(Buffer.from("\n\n"));
    await new Promise<void>((resolve) => stream.once("data", () => resolve()));
    await new Promise<void>((resolve) => stream.once("data", () => resolve()));
    expect(out).toMatch(/^data: half\n\n: keep-alive\n\n/);
    stream.destroy();
  });

  it("keeps an inspected stream alive while it holds a slow event (the client has none of it yet)", async () => {
    const stream = new SseRelay({ ...OPTIONS, keepAliveMs: 100, rewrite: () => undefined });
    let out = "";
    stream.on("data", (c: Buffer | string) => (out += c.toString()));
    stream.write(Buffer.from("data: half"));
    await new Promise<void>((resolve) => stream.once("data", () => resolve()));
    expect(out).toBe(": keep-alive\n\n");
    stream.write(Buffer.from("\n\n"));
    await new Promise<void>((resolve) => stream.once("data", () => resolve()));
    expect(out).toMatch(/^(: keep-alive\n\n)+data: half\n\n/);
    stream.destroy();
  });
});

describe("SseRelay failing closed", () => {
  /** Relays the chunks; returns what the client got and what the relay reported. */
  async function failing(chunks: string[], options: Partial<SseRelayOptions>) {
    const failures: GatewayError[] = [];
    const out = await relay(chunks, { ...options, onInvalid: (f) => failures.push(f) });
    return { text: out.toString("utf8"), failures };
  }

  const errorEvent = (message: string) =>
    `event: message\ndata: {"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"${message}","data":{"reason":"upstream_invalid"}}}\n\n`;

  it("ends the stream with an error event when an inspected event outgrows the cap, across chunks too", async () => {
    const big = `data: "${"x".repeat(3000)}"\n\n`;
    for (const chunks of [[`data: 1\n\n${big}data: 2\n\n`], ["data: 1\n\n", ...big.match(/[^]{1,100}/g)!, "data: 2\n\n"]]) {
      const { text, failures } = await failing(chunks, { rewrite: () => undefined, maxEventBytes: 2048 });
      expect(text).toBe(`data: 1\n\n${errorEvent("The upstream sent an event larger than 2048 bytes")}`);
      expect(failures.map((f) => f.code)).toEqual(["upstream_invalid"]);
    }
  });

  it("holds no cap on an uninspected stream (nothing is held)", async () => {
    const big = `data: "${"x".repeat(3000)}"\n\n`;
    expect((await failing([big], { maxEventBytes: 2048 })).text).toBe(big);
  });

  it("ends the stream with an error event when the rewrite throws, and ignores what follows", async () => {
    const rewrite = (data: string) => {
      if (data === "bad") throw new SyntaxError("Unexpected token");
      return undefined;
    };
    const { text, failures } = await failing(["data: ok\n\ndata: bad\n", "\ndata: later\n\n"], { rewrite });
    expect(text).toBe(`data: ok\n\n${errorEvent("The upstream sent a stream the gateway could not check")}`);
    expect(failures[0]!.detail).toBe("SyntaxError: Unexpected token");
  });

  it("survives a rewrite that overflows the stack on 20,000 nested arrays", async () => {
    // A recursive walk as a naive filter would write it (each level keeps its path).
    const walk = (value: unknown, path: readonly (string | number)[]): number => {
      if (value === null || typeof value !== "object") return 0;
      let count = 1;
      for (const [key, child] of Object.entries(value)) count += walk(child, [...path, key]);
      return count;
    };
    const rewrite = (data: string) => {
      walk(JSON.parse(data), []);
      return undefined;
    };
    const nested = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    expect(() => walk(JSON.parse(nested), [])).toThrow(RangeError);
    const { text, failures } = await failing([`data: {"jsonrpc":"2.0","id":1,"result":{"tools":${nested}}}\n\n`], { rewrite });
    expect(text).toBe(errorEvent("The upstream sent a stream the gateway could not check"));
    expect(failures[0]!.detail).toMatch(/^RangeError/);
  });

  it("is linear in the bytes it carries: 16 MB events in 64 KiB chunks, inspected and not", async () => {
    const event = Buffer.from(`data: "${"y".repeat(16 * 1000 * 1000)}"\n\n`);
    const chunks = Array.from({ length: Math.ceil(event.length / 65536) }, (_, i) => event.subarray(i * 65536, (i + 1) * 65536));
    for (const options of [{}, { rewrite: (data: string) => (data.length > 0 ? undefined : "") }]) {
      const started = performance.now();
      const out = await relay(chunks, { ...options, maxEventBytes: 32 * 1024 * 1024 });
      expect(out.length).toBe(event.length);
      // The quadratic relay took seconds for this; linear work is tens of milliseconds.
      expect(performance.now() - started).toBeLessThan(1500);
    }
  });
});
