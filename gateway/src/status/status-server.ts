// Local status listener: GET /status (readiness, config version and hash) and
// GET /metrics (Prometheus text). Bound to 127.0.0.1 by default.
import http from "node:http";

export interface StatusSource {
  status(): Record<string, unknown> & { ready: boolean };
  metrics(): string;
}

export function createStatusServer(source: StatusSource): http.Server {
  return http.createServer((req, res) => {
    const url = req.url?.split("?")[0];
    if (req.method === "GET" && url === "/status") {
      const body = source.status();
      res.writeHead(body.ready ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
      return;
    }
    if (req.method === "GET" && url === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(source.metrics());
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "not found", endpoints: ["/status", "/metrics"] }));
  });
}
