// A TCP proxy between the gateway and the upstream that injects faults:
// `delay` holds every chunk for a while, `reset` answers each new connection
// with a TCP RST, `blackhole` accepts connections and never answers. Switching
// mode also ends the connections of the previous one, as a network change would.
import net from "node:net";

export type FaultMode = { kind: "pass" } | { kind: "delay"; ms: number } | { kind: "reset" } | { kind: "blackhole" };

export interface FaultProxy {
  port: number;
  set(mode: FaultMode): void;
  close(): Promise<void>;
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let mode: FaultMode = { kind: "pass" };
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  };
  const server = net.createServer((client) => {
    track(client);
    if (mode.kind === "reset") return client.resetAndDestroy();
    if (mode.kind === "blackhole") return client.resume();
    const delayMs = mode.kind === "delay" ? mode.ms : 0;
    const upstream = net.connect(target);
    track(upstream);
    const relay = (from: net.Socket, to: net.Socket) => {
      from.on("data", (chunk: Buffer) => (delayMs ? setTimeout(() => to.write(chunk), delayMs) : to.write(chunk)));
      from.once("end", () => (delayMs ? setTimeout(() => to.end(), delayMs) : to.end()));
      from.once("close", () => to.destroy());
    };
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    set(next) {
      mode = next;
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
