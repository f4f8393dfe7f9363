// An MCP upstream that reads each request with one emulated decoder (a Go
// server, a first-wins one) and acts on what *it* read: it runs the tool it
// decoded, answers the id it decoded, lists every tool. `ran` is what such a
// server would have executed — the evidence that a denied tool got through.
import type http from "node:http";
import { FAKE_TOOLS } from "./fake-mcp-server";
import type { DecodedMessage, JsonDecoder } from "./json-decoders";
import { jsonResponse, startRecordingUpstream, type RecordedRequest, type RecordingUpstream } from "./recording-upstream";

export interface RanMessage {
  method: unknown;
  tool: unknown;
  /** False when the server took it as a notification (and so ran it without answering). */
  answered: boolean;
}

export interface DecodingUpstream extends RecordingUpstream {
  decoder: JsonDecoder;
  ran: RanMessage[];
}

function answer(m: DecodedMessage & { id: { present: true; value: unknown } }) {
  const id = m.id.value;
  if (m.method === "tools/list") return { jsonrpc: "2.0", id, result: { tools: FAKE_TOOLS } };
  if (m.method === "tools/call") return { jsonrpc: "2.0", id, result: { content: [{ type: "text", text: `called ${String(m.tool)}` }] } };
  return { jsonrpc: "2.0", id, result: { echoed: m.method ?? null } };
}

function decodingServer(decoder: JsonDecoder, ran: RanMessage[]) {
  return (req: RecordedRequest, res: http.ServerResponse) => {
    if (req.method !== "POST") {
      res.writeHead(405);
      return res.end();
    }
    const decoded = decoder.decode(req.raw);
    if (!decoded.ok) return jsonResponse(res, { jsonrpc: "2.0", id: null, error: { code: -32700, message: decoded.reason } }, {}, 400);
    for (const m of decoded.messages) ran.push({ method: m.method, tool: m.tool, answered: m.id.present });
    const answers = decoded.messages.filter((m): m is DecodedMessage & { id: { present: true; value: unknown } } => m.id.present).map(answer);
    if (answers.length === 0) {
      res.writeHead(202);
      return res.end();
    }
    jsonResponse(res, decoded.batch ? answers : answers[0]);
  };
}

export async function startDecodingUpstream(decoder: JsonDecoder): Promise<DecodingUpstream> {
  const ran: RanMessage[] = [];
  const upstream = await startRecordingUpstream(decodingServer(decoder, ran));
  return Object.assign(upstream, { decoder, ran });
}
