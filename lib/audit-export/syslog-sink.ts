// The syslog sink: RFC 5424 messages over one long-lived TCP connection,
// optionally TLS (RFC 5425) verified against the system's CAs or the sink's
// own CA. A batch counts as delivered once the socket has taken every frame;
// a broken connection fails the batch and the next attempt dials again, and
// so does a receiver that accepts but stops reading: a batch the socket has
// not taken within WRITE_TIMEOUT_MS fails, and its connection is dropped.
import net from "node:net";
import tls from "node:tls";
import type { DeliverBatch } from "./sink-queue";
import { octetCounted, syslogMessage } from "./syslog-message";

const CONNECT_TIMEOUT_MS = 10_000;
const WRITE_TIMEOUT_MS = 30_000;

export interface SyslogTarget {
  host: string;
  port: number;
  tls: boolean;
  /** PEM; the system's CAs when absent. */
  ca?: string;
}

function connect(target: SyslogTarget): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = target.tls
      ? tls.connect({ host: target.host, port: target.port, servername: net.isIP(target.host) ? undefined : target.host, ca: target.ca })
      : net.connect({ host: target.host, port: target.port });
    const fail = (error: Error) => {
      socket.destroy();
      reject(new Error(`syslog ${target.host}:${target.port} unreachable: ${error.message}`));
    };
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => fail(new Error("connection timed out")));
    socket.once("error", fail);
    socket.once(target.tls ? "secureConnect" : "connect", () => {
      socket.off("error", fail);
      socket.setTimeout(0);
      resolve(socket);
    });
  });
}

export interface SyslogDelivery {
  deliver: DeliverBatch;
  close(): void;
}

export function syslogDelivery(target: SyslogTarget, { writeTimeoutMs = WRITE_TIMEOUT_MS } = {}): SyslogDelivery {
  let socket: net.Socket | null = null;
  const drop = () => {
    socket?.destroy();
    socket = null;
  };
  return {
    async deliver(events) {
      if (!socket || socket.destroyed) {
        const dialled = await connect(target);
        // A syslog receiver never answers; an error or close only tells us to dial again.
        const forget = () => {
          if (socket === dialled) socket = null;
        };
        dialled.on("error", forget).on("close", forget);
        dialled.resume();
        socket = dialled;
      }
      const frames = events.map((event) => octetCounted(syslogMessage(event))).join("");
      const writing = socket;
      await new Promise<void>((resolve, reject) => {
        const stalled = setTimeout(() => {
          if (socket === writing) drop();
          else writing.destroy();
          reject(new Error(`syslog ${target.host}:${target.port} took no data for ${writeTimeoutMs / 1000} s; dialling again`));
        }, writeTimeoutMs);
        writing.write(frames, "utf8", (error) => {
          clearTimeout(stalled);
          if (error) {
            if (socket === writing) drop();
            reject(new Error(`syslog write failed: ${error.message}`));
          } else resolve();
        });
      });
    },
    close: drop,
  };
}
