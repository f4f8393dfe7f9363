// The gateway process: proxy listeners (HTTP and HTTPS) and the status listener.
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type net from "node:net";
import { OptionsError, readOptions, USAGE, type GatewayOptions } from "./cli/options";
import { createStatusServer } from "./status/status-server";
import { loadOrCreateCertificate } from "./tls/self-signed";

function listen(server: net.Server, port: number, host: string, what: string, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") reject(new OptionsError(`Port ${port} is already in use (${what}); choose another with ${variable}.`));
      else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
}

async function start(options: GatewayOptions) {
  const startedAt = new Date();
  const proxy: http.RequestListener = (_req, res) => {
    res.writeHead(503, { "content-type": "application/json" });
    res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32603, message: "The gateway has no configuration yet" } }));
  };
  const tls = options.tlsCert
    ? { cert: fs.readFileSync(options.tlsCert), key: fs.readFileSync(options.tlsKey!) }
    : await loadOrCreateCertificate(options.dataDir);
  const servers = [
    { server: http.createServer(proxy), port: options.httpPort, host: options.host, what: "gateway HTTP", variable: "PORTCULLIS_HTTP_PORT" },
    { server: https.createServer(tls, proxy), port: options.httpsPort, host: options.host, what: "gateway HTTPS", variable: "PORTCULLIS_HTTPS_PORT" },
    {
      server: createStatusServer({
        status: () => ({ ready: false, reason: "no configuration loaded", started_at: startedAt.toISOString() }),
        metrics: () => "",
      }),
      port: options.statusPort,
      host: options.statusHost,
      what: "gateway status",
      variable: "PORTCULLIS_STATUS_PORT",
    },
  ];
  for (const s of servers) await listen(s.server, s.port, s.host, s.what, s.variable);
  console.log(`gateway: listening on http :${options.httpPort}, https :${options.httpsPort}, status ${options.statusHost}:${options.statusPort}`);

  const stop = () => {
    for (const s of servers) s.server.close();
    for (const s of servers) s.server.closeAllConnections?.();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

try {
  const options = readOptions(process.argv.slice(2), process.env);
  if (options === "help") console.log(USAGE);
  else await start(options);
} catch (error) {
  console.error(`gateway: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
