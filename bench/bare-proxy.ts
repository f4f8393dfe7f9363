// The floor of any Node design: the gateway's HTTP stack (node:http listener,
// pooled undici Agent, streamed bodies) with no policy at all.
import http from "node:http";
import { pipeline } from "node:stream/promises";
import { Agent, type Dispatcher } from "undici";

const upstream = new URL(process.env.UPSTREAM!);
const agent = new Agent({ keepAliveTimeout: 30_000 });

const server = http.createServer(async (req, res) => {
  try {
    const response = await agent.request({
      origin: upstream.origin,
      path: upstream.pathname,
      method: req.method as Dispatcher.HttpMethod,
      headers: { "content-type": req.headers["content-type"] ?? "application/json", accept: req.headers.accept ?? "*/*" },
      body: req.method === "POST" ? req : undefined,
      bodyTimeout: 0,
    });
    res.writeHead(response.statusCode, response.headers as http.OutgoingHttpHeaders);
    await pipeline(response.body, res);
  } catch {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  }
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("bench bare proxy: listening"));
