// fast-check arbitraries for what a hostile or broken upstream sends back to
// a tools/list: JSON bodies and SSE streams with respelt and escaped keys
// (`\u0074ools`, TOOLS, toolſ), fold-duplicate names, BOMs, invalid UTF-8,
// deep nesting, multi-line data, CR/CRLF line ends, huge events and
// truncation, cut into chunks anywhere (at every byte when small).
import fc from "fast-check";
import { keyText, respeltKeyText, stringText } from "./request-arbitraries";

export interface GeneratedResponse {
  sse: boolean;
  /** Sent on the GET stream (SSE only) rather than as the answer to a POSTed tools/list. */
  onGetStream: boolean;
  chunks: Buffer[];
  /** For the report: how the body was built. */
  shape: string;
}

const NAMES = ["search_repositories", "get_me", "push_files", "create_issue", "delete_repository"];
const name = fc.constantFrom(...NAMES).chain(stringText);

const tool = fc
  .record({
    key: keyText("name"),
    name,
    // A second name member in another spelling: a Go client reads the last one that folds to `name`.
    shadow: fc.option(fc.tuple(respeltKeyText("name"), name), { nil: undefined, freq: 4 }),
    description: fc.oneof({ weight: 20, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 64 * 1024, max: 2 * 1024 * 1024 }) }),
  })
  .map(({ key, name, shadow, description }) => {
    const members = [`${key}:${name}`, ...(shadow ? [`${shadow[0]}:${shadow[1]}`] : []), '"inputSchema":{"type":"object"}'];
    if (description) members.push(`"description":"${"d".repeat(description)}"`);
    return `{${members.join(",")}}`;
  });

const message = fc
  .record({ resultKey: keyText("result"), toolsKey: keyText("tools"), tools: fc.array(tool, { minLength: 1, maxLength: 5 }), cursor: fc.boolean() })
  .map(({ resultKey, toolsKey, tools, cursor }) => `{"jsonrpc":"2.0","id":1,${resultKey}:{${toolsKey}:[${tools.join(",")}]${cursor ? ',"nextCursor":"p2"' : ""}}}`);

/** The message as sent: alone, in a batch, or wrapped in nested arrays (20,000 deep once in a while). */
const wrapped = fc
  .tuple(message, fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 64 }) }, { weight: 1, arbitrary: fc.constant(20_000) }))
  .map(([text, depth]) => `${"[".repeat(depth)}${text}${"]".repeat(depth)}`);

const BOM = "\ufeff";
const notification = '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1}}';

/** Splits JSON text into data lines after commas (a line break there is JSON whitespace once the lines are joined). */
function dataLines(json: string, cuts: number[]): string[] {
  const commas = [...json.matchAll(/,/g)].map((m) => m.index + 1);
  const at = [...new Set(cuts.map((c) => commas[c % Math.max(1, commas.length)]).filter((c): c is number => c !== undefined))].sort((a, b) => a - b);
  const lines: string[] = [];
  let from = 0;
  for (const cut of at) {
    lines.push(json.slice(from, cut));
    from = cut;
  }
  lines.push(json.slice(from));
  return lines;
}

const sseStream = fc
  .record({
    json: wrapped,
    cuts: fc.array(fc.nat(), { maxLength: 3 }),
    eol: fc.constantFrom("\n", "\r\n", "\r"),
    bom: fc.constantFrom("none", "stream", "data"),
    before: fc.array(fc.constantFrom(notification, ": comment", "id: 7", "retry: 1000"), { maxLength: 2 }),
    eventId: fc.boolean(),
  })
  .map(({ json, cuts, eol, bom, before, eventId }) => {
    const lines = dataLines(json, cuts).map((line, i) => `data: ${i === 0 && bom === "data" ? BOM : ""}${line}`);
    const preamble = before.map((item) => (item.startsWith("{") ? `data: ${item}${eol}${eol}` : `${item}${eol}`)).join("");
    const event = [...(eventId ? ["id: e1", "event: message"] : []), ...lines].join(eol) + eol + eol;
    return { text: `${bom === "stream" ? BOM : ""}${preamble}${event}`, shape: `sse bom=${bom} eol=${JSON.stringify(eol)} lines=${lines.length}` };
  });

const jsonBody = fc.record({ json: wrapped, bom: fc.boolean() }).map(({ json, bom }) => ({ text: `${bom ? BOM : ""}${json}`, shape: `json bom=${bom}` }));

/** Bytes damaged as a broken upstream damages them: invalid UTF-8 inside, or cut short. */
const damage = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: "none" as const, at: 0 }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom("invalid-utf8" as const, "truncated" as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
);

function damaged(bytes: Buffer, how: { kind: "none" | "invalid-utf8" | "truncated"; at: number }): Buffer {
  const at = Math.floor(how.at * bytes.length);
  if (how.kind === "invalid-utf8") return Buffer.concat([bytes.subarray(0, at), Buffer.from([0xc3]), Buffer.from([0xff]), bytes.subarray(at)]);
  if (how.kind === "truncated") return bytes.subarray(0, at);
  return bytes;
}

/** Cut points: none, a few anywhere, or every byte when the body is small. */
const chunking = fc.oneof(fc.constant("whole" as const), fc.constant("every-byte" as const), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }));

function chunked(bytes: Buffer, how: "whole" | "every-byte" | number[]): Buffer[] {
  if (how === "whole" || bytes.length === 0) return [bytes];
  if (how === "every-byte") {
    if (bytes.length > 600) return [bytes];
    return [...bytes].map((b) => Buffer.from([b]));
  }
  const cuts = [...new Set(how.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of cuts) {
    if (cut > from) out.push(bytes.subarray(from, cut));
    from = Math.max(from, cut);
  }
  out.push(bytes.subarray(from));
  return out;
}

export const upstreamResponse: fc.Arbitrary<GeneratedResponse> = fc
  .record({ sse: fc.boolean(), get: fc.boolean(), damage, chunking })
  .chain(({ sse, get, damage: how, chunking: cuts }) =>
    (sse ? sseStream : jsonBody).map(({ text, shape }) => {
      const bytes = damaged(Buffer.from(text, "utf8"), how);
      const chunks = chunked(bytes, cuts);
      const onGetStream = sse && get;
      const described = `${onGetStream ? "GET " : ""}${shape} damage=${how.kind} bytes=${bytes.length} chunks=${chunks.length}: ${JSON.stringify(bytes.subarray(0, 600).toString("utf8"))}`;
      // fast-check prints this in a counterexample instead of megabytes of chunks.
      return { sse, onGetStream, chunks, shape: described, [fc.toStringMethod]: () => described };
    }),
  );
