// What a client could read in the bytes the gateway sent it: every JSON body
// or SSE event as each emulated decoder decodes it, and the tools/list result
// in it (`result.tools[].name` of the message or of each batch element). A
// denied tool listed in any of these views reached the client.
import { DECODERS } from "./json-decoders";

const LINE_END = /\r\n|\r|\n/;

/**
 * The data of each SSE event (WHATWG HTML §9.2.6: one leading BOM is skipped,
 * `data` lines joined by LF). An unterminated last event is kept too: a
 * lenient client may act on it, and the check should assume the worst.
 */
export function sseEventData(text: string): string[] {
  const out: string[] = [];
  let data: string[] = [];
  for (const line of (text.startsWith("\ufeff") ? text.slice(1) : text).split(LINE_END)) {
    if (line === "") {
      // An event whose data is empty is not dispatched.
      if (data.join("\n") !== "") out.push(data.join("\n"));
      data = [];
      continue;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1);
    if (field === "data") data.push(value.startsWith(" ") ? value.slice(1) : value);
  }
  if (data.join("\n") !== "") out.push(data.join("\n"));
  return out;
}

export interface Sighting {
  name: string;
  /** The decoder that read the name as a listed tool. */
  where: string;
}

/** Which of `names` a client could take for listed tools in `body` (a JSON body, or an SSE stream when `sse`). */
export function namesVisible(body: Buffer | string, sse: boolean, names: readonly string[]): Sighting[] {
  const text = typeof body === "string" ? body : new TextDecoder("utf-8", { ignoreBOM: true }).decode(body);
  const seen: Sighting[] = [];
  const payloads = sse ? sseEventData(text) : [text];
  for (const payload of payloads) {
    for (const decoder of DECODERS) {
      const decoded = decoder.decode(payload);
      if (!decoded.ok) continue;
      const listed = decoded.messages.flatMap((m) => m.toolsListed);
      for (const name of names) if (listed.includes(name)) seen.push({ name, where: decoder.name });
    }
  }
  return seen;
}
