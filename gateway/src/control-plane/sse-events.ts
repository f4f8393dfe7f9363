// Reads a Server-Sent Events response body event by event (WHATWG HTML §9.2):
// events end at a blank line; `event:`, `id:` and `data:` fields; comments ignored.
import { StringDecoder } from "node:string_decoder";
import { EVENT_END, eventData } from "../transport/sse";

export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

function field(event: string, name: string): string | undefined {
  for (const line of event.split(/\r\n|\n|\r/)) {
    if (line === name) return "";
    if (line.startsWith(`${name}:`)) return line.slice(name.length + 1).replace(/^ /, "");
  }
  return undefined;
}

export async function* readSseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  for await (const chunk of body) {
    pending += decoder.write(Buffer.from(chunk));
    for (let match = EVENT_END.exec(pending); match; match = EVENT_END.exec(pending)) {
      const block = pending.slice(0, match.index);
      pending = pending.slice(match.index + match[0].length);
      const data = eventData(block);
      if (data === undefined) continue;
      yield { event: field(block, "event") ?? "message", id: field(block, "id"), data };
    }
  }
}
