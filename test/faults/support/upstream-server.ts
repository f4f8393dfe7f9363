// The faults suite's upstream, a process of its own so that it can be killed
// with SIGKILL: a stateless MCP server on the port given as argument that
// answers initialize, tools/list and tools/call, and prints one line per tool
// call it receives ("called <tool>") so the suite can tell what was forwarded.
import http from "node:http";

const port = Number(process.argv[2]);
const tools = ["get_me", "push_files"].map((name) => ({ name, inputSchema: { type: "object" } }));

interface Message {
  id?: unknown;
  method?: string;
  params?: { name?: string; protocolVersion?: string };
}

function answer(m: Message) {
  if (m.method === "initialize") {
    return {
      jsonrpc: "2.0",
      id: m.id,
      result: { protocolVersion: m.params?.protocolVersion ?? "2025-06-18", capabilities: { tools: {} }, serverInfo: { name: "faults", version: "1" } },
    };
  }
  if (m.method === "tools/list") return { jsonrpc: "2.0", id: m.id, result: { tools } };
  if (m.method === "tools/call") {
    process.stdout.write(`called ${m.params?.name}\n`);
    return { jsonrpc: "2.0", id: m.id, result: { content: [{ type: "text", text: `called ${m.params?.name}` }] } };
  }
  return { jsonrpc: "2.0", id: m.id, result: {} };
}

http
  .createServer((req, res) => {
    if (req.method !== "POST") return res.writeHead(405).end();
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const message = JSON.parse(body) as Message;
      if (message.id === undefined) return res.writeHead(202).end();
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer(message)));
    });
  })
  .listen(port, "127.0.0.1", () => process.stdout.write(`listening ${port}\n`));
