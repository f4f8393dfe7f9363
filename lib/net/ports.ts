import net from "node:net";
import { UserFacingError } from "../core/errors";

/** Refuses early, with the variable that moves it, when a port is taken. */
export async function assertPortFree(port: number, host: string, variable: string, what: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new UserFacingError(`Port ${port} (${host}) is already in use, so ${what} cannot start. Free it or choose another port with ${variable}.`, "PORT_IN_USE");
  }
}

/** A port the kernel just handed out, for tests and throwaway servers. */
export function findFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ port: 0, host }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
