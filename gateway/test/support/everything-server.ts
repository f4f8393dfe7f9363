// @modelcontextprotocol/server-everything over Streamable HTTP, as a real
// process on its own free port (it serves /mcp, stateful, with an event store).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { findFreePort } from "../../../lib/net/ports";

const ENTRY = path.resolve(import.meta.dirname, "../../../node_modules/@modelcontextprotocol/server-everything/dist/index.js");

export interface EverythingServer {
  url: string;
  stop(): Promise<void>;
}

export async function startEverythingServer(): Promise<EverythingServer> {
  const port = await findFreePort();
  const child: ChildProcess = spawn(process.execPath, [ENTRY, "streamableHttp"], { env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "ignore", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let seen = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(`listening on port ${port}`)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`server-everything exited (${code}): ${seen}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}
