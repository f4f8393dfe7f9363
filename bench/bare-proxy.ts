// The floor of any Node design: the gateway's HTTP stack with no policy at
// all — node:http listener, pooled undici Agent, the request body read whole
// and sent in one write, the response piped back (as the gateway does both).
import http from "node:http";
import { Agent, type Dispatcher } from "undici";

const upstream = new URL(process.env.UPSTREAM!);
const agent = new Agent({ keepAliveTimeout: 30_000 });

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

// eslint-disable-next-line @typescript-eslint/no-misused-promises -- the handler catches every failure itself
const server = http.createServer(async (req, res) => {
  try {
    const response = await agent.request({
      origin: upstream.origin,
      path: upstream.pathname,
      method: req.method as Dispatcher.HttpMethod,
      headers: { "content-type": req.headers["content-type"] ?? "application/json", accept: req.headers.accept ?? "*/*" },
      body: req.method === "POST" ? await readBody(req) : undefined,
      bodyTimeout: 0,
    });
    res.writeHead(response.statusCode, response.headers as http.OutgoingHttpHeaders);
    response.body.on("error", () => res.destroy());
    response.body.pipe(res);
  } catch {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  }
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("bench bare proxy: listening"));
