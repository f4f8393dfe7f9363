// A local OTLP/HTTP sink for the bench: accepts every export and discards it,
// so "tracing on" costs what the gateway does, not what a collector does.
import http from "node:http";
import type { AddressInfo } from "node:net";

export async function startOtlpSink(): Promise<{ url: string; exports: () => number }> {
  let exports = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      exports++;
      res.writeHead(200, { "content-type": "application/x-protobuf" });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, exports: () => exports };
}
