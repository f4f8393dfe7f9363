// nginx (the system's) in front of the gateways: round robin, one worker (so
// the rotation is strict), buffering off for streams. The configuration is the
// one docs/operations.md shows; its files live in a temp folder.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { findFreePort } from "../../../lib/net/ports";
import { requireBinary } from "./binaries";

export function nginxConfig(folder: string, listenPort: number, gatewayPorts: number[]): string {
  return `worker_processes 1;
pid ${folder}/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${folder}/body;
  proxy_temp_path ${folder}/proxy;
  fastcgi_temp_path ${folder}/fastcgi;
  uwsgi_temp_path ${folder}/uwsgi;
  scgi_temp_path ${folder}/scgi;

  upstream portcullis {
${gatewayPorts.map((p) => `    server 127.0.0.1:${p};`).join("\n")}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://portcullis;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_buffering off;           # Server-Sent Events go through as they come
      proxy_request_buffering off;
      proxy_read_timeout 1h;         # long tool calls and idle streams
    }
  }
}
`;
}

export interface Nginx {
  url: string;
  stop(): Promise<void>;
}

export async function startNginx(gatewayPorts: number[]): Promise<Nginx> {
  const binary = requireBinary("nginx");
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "portcullis-nginx-"));
  fs.chmodSync(folder, 0o755);
  const port = await findFreePort();
  fs.writeFileSync(path.join(folder, "nginx.conf"), nginxConfig(folder, port, gatewayPorts));
  const child: ChildProcess = spawn(binary, ["-p", folder, "-c", path.join(folder, "nginx.conf"), "-e", "stderr", "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`nginx exited (${code}): ${stderr}`))));
  await Promise.race([listening(port), exited]);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners("exit");
        child.once("exit", () => {
          fs.rmSync(folder, { recursive: true, force: true });
          resolve();
        });
        child.kill("SIGQUIT");
      }),
  };
}

/** Resolves once something accepts connections on the port (nginx opens it after reading its config). */
async function listening(port: number): Promise<void> {
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
