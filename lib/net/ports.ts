import { randomInt } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import { UserFacingError } from "../core/errors";

/** Refuses early, with the variable that moves it, when a port is taken. */
export async function assertPortFree(port: number, host: string, variable: string, what: string): Promise<void> {
  if (!(await tryListen(port, host))) {
    throw new UserFacingError(`Port ${port} (${host}) is already in use, so ${what} cannot start. Free it or choose another port with ${variable}.`, "PORT_IN_USE");
  }
}

const handedOut = new Set<number>();
let ephemeral: number | undefined;

/** The lowest port the kernel gives outgoing connections (Linux's ip_local_port_range), 32768 when unknown. */
export function ephemeralLow(): number {
  try {
    const low = Number(fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 2000 ? low : 32768;
  } catch {
    return 32768;
  }
}

function tryListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A free port for tests and throwaway servers that a child process binds later. Chosen below the
 * kernel's ephemeral range: a port the kernel handed to `listen(0)` and closed again is one any
 * outgoing connection (a database client, a fetch) may take as its local port before the child
 * binds it, which made spawned gateways fail with "already in use". Never the same port twice
 * in one process; falls back to the kernel's choice when the low range seems full.
 */
export async function findFreePort(host = "127.0.0.1"): Promise<number> {
  const high = (ephemeral ??= ephemeralLow()) - 1;
  const low = Math.max(10000, high - 20000);
  for (let attempt = 0; attempt < 64; attempt++) {
    const port = low + randomInt(high - low + 1);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await tryListen(port, host)) return port;
  }
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ port: 0, host }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
