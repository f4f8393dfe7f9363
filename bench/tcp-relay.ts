// The floor of any second hop: bytes copied between two sockets, no HTTP at
// all. The large-event row measures it beside the bare proxy and the gateway,
// so a ratio to the direct time can be read against what a relay costs on the
// machine at all.
import net from "node:net";

const upstream = new URL(process.env.UPSTREAM!);

const server = net.createServer((client) => {
  const target = net.connect(Number(upstream.port), upstream.hostname);
  client.setNoDelay(true);
  target.setNoDelay(true);
  client.pipe(target).pipe(client);
  client.on("error", () => target.destroy());
  target.on("error", () => client.destroy());
  client.on("close", () => target.destroy());
  target.on("close", () => client.destroy());
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("bench tcp relay: listening"));
