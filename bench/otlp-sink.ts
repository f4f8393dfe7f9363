// A local OTLP/HTTP sink for the bench, in a process of its own: accepts every
// export and discards it, so "tracing on" costs what the gateway does, not what
// a collector does, and the sink's work is not counted against the gateway.
import http from "node:http";

const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/x-protobuf" });
    res.end();
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("otlp sink: listening"));
