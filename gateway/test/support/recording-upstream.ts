// A small upstream that records what reaches it (method, headers, body, and
// whether the client side went away) and answers with what the test scripts.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The bytes as they arrived, for decoders that read bytes (BOMs, invalid UTF-8). */
  raw: Buffer;
  /** Resolves when the gateway closes this request's connection or stream. */
  closed: Promise<void>;
}

export type Responder = (req: RecordedRequest, res: http.ServerResponse) => void;

export interface RecordingUpstream {
  url: string;
  origin: string;
  requests: RecordedRequest[];
  /** The next request to arrive (or the first unseen one already here). */
  nextRequest(): Promise<RecordedRequest>;
  respond(responder: Responder): void;
  close(): Promise<void>;
}

export function jsonResponse(res: http.ServerResponse, body: unknown, headers: Record<string, string> = {}, status = 200) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

export async function startRecordingUpstream(
  responder: Responder = (req, res) => jsonResponse(res, { jsonrpc: "2.0", id: JSON.parse(req.body || "{}").id ?? null, result: {} }),
): Promise<RecordingUpstream> {
  let current = responder;
  const requests: RecordedRequest[] = [];
  let taken = 0;
  const waiters: ((r: RecordedRequest) => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const closed = new Promise<void>((resolve) => res.once("close", () => resolve()));
      const raw = Buffer.concat(chunks);
      const recorded: RecordedRequest = { method: req.method!, url: req.url!, headers: req.headers, body: raw.toString("utf8"), raw, closed };
      requests.push(recorded);
      const waiter = waiters.shift();
      if (waiter) {
        taken++;
        waiter(recorded);
      }
      current(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    origin: `http://127.0.0.1:${port}`,
    requests,
    nextRequest() {
      if (taken < requests.length) return Promise.resolve(requests[taken++]!);
      return new Promise((resolve) => waiters.push(resolve));
    },
    respond(next) {
      current = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
