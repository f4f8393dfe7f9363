// Reads a request body into memory, refusing it as soon as it passes the limit
// (a Content-Length over the limit is refused before a byte is read).
import type { IncomingMessage } from "node:http";
import { GatewayError } from "../errors";

export function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => new GatewayError("body_too_large", `The request body is larger than ${limit} bytes`);
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        // Stop reading; the response closes the connection rather than draining an unbounded body.
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    // An ended body emits nothing more: its listeners are left to go with it (removing a
    // 'data' listener costs a process.nextTick per request in Node's streams).
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    function cleanup() {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    }
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}
