// The benchmark's upstream: a small keep-alive MCP-shaped server. tools/call
// answers ~1 KiB, tools/list 100 tools, GET opens an idle SSE stream, and a
// call to the tool `big_event` answers with one SSE event of 8 MB. Answers
// are prepared once so the upstream costs as little as possible.
import http from "node:http";
import { BENCH_TOOLS } from "./tools";

const text = "x".repeat(1024 - 80);
const tools = BENCH_TOOLS;

const BIG_EVENT_TOOL = "big_event";
const BIG_EVENT_BYTES = 8 * 1000 * 1000;
// The id is fixed: the client reads the event whole, it does not match ids.
const bigEvent = Buffer.from(`event: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", id: 1, result: { content: [{ type: "text", text: "b".repeat(BIG_EVENT_BYTES) }] } })}\n\n`);

function answer(id: unknown, method: string): string {
  if (method === "tools/list") return JSON.stringify({ jsonrpc: "2.0", id, result: { tools } });
  return JSON.stringify({ jsonrpc: "2.0", id, result: { content: [{ type: "text", text }] } });
}

const server = http.createServer((req, res) => {
  if (req.method === "GET") {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.flushHeaders();
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const message = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (message.params?.name === BIG_EVENT_TOOL) {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.end(bigEvent);
      return;
    }
    const body = answer(message.id, message.method);
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("bench upstream: listening"));
