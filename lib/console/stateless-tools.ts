// Reads a tool list from an MCP 2026-07-28 server, which has no initialize
// handshake and no session (basic/transports/streamable-http, server/discover):
// each request carries its protocol version in the MCP-Protocol-Version header
// and in `_meta`, and its method in the Mcp-Method header. server/discover
// tells whether the server speaks this revision at all; a server of an earlier
// revision answers it with an error (no session, unknown method, unsupported
// version), and the caller then uses the SDK's handshake instead.
import { z } from "zod";
import { ConsoleError } from "./errors";

export const STATELESS_REVISION = "2026-07-28";
const CLIENT_META = {
  "io.modelcontextprotocol/protocolVersion": STATELESS_REVISION,
  "io.modelcontextprotocol/clientInfo": { name: "portcullis-console", version: "1.0.0" },
  "io.modelcontextprotocol/clientCapabilities": {},
};
// An answer larger than this is not a tool list the console keeps.
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

const responseSchema = z.object({
  jsonrpc: z.literal("2.0"),
  id: z.union([z.string(), z.number()]),
  result: z.looseObject({}).optional(),
  error: z.looseObject({ code: z.number(), message: z.string() }).optional(),
});
type Response = z.infer<typeof responseSchema>;

const discoverResultSchema = z.looseObject({ supportedVersions: z.array(z.string()) });
const toolsPageSchema = z.looseObject({ tools: z.array(z.unknown()), nextCursor: z.string().optional() });

/** What an HTTP refusal that no revision would answer differently means for the admin. */
export function upstreamRefusal(status: number, upstream: URL): string | undefined {
  if (status === 401) return "The upstream refused the credential (HTTP 401). Enter a token it accepts for this sync.";
  if (status === 403) return "The upstream refused the credential (HTTP 403): the token lacks a permission or scope the server needs.";
  if (status === 404) return `The upstream has no MCP endpoint at ${upstream.pathname} (HTTP 404). Check the upstream URL.`;
  return undefined;
}

/** The JSON-RPC response answering `id`, from a JSON body or from an SSE stream's events. */
function answerIn(text: string, type: string, id: number): Response | undefined {
  const candidates = type.startsWith("text/event-stream")
    ? text.split(/\r\n\r\n|\n\n|\r\r/).map((event) =>
        event
          .split(/\r\n|\n|\r/)
          .filter((line) => line.startsWith("data:"))
          .map((line) => (line[5] === " " ? line.slice(6) : line.slice(5)))
          .join("\n"),
      )
    : [text];
  for (const data of candidates) {
    if (data.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      continue;
    }
    const parsed = responseSchema.safeParse(value);
    if (parsed.success && parsed.data.id === id) return parsed.data;
  }
  return undefined;
}

/** The body as text, refused once it grows past MAX_ANSWER_BYTES (the rest is never read). */
async function readCapped(answer: globalThis.Response): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = answer.body?.getReader();
  for (let read = await reader?.read(); reader && read && !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new ConsoleError("upstream", "The upstream's answer is too large to read.");
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

class StatelessSession {
  #nextId = 1;

  constructor(
    private readonly upstream: URL,
    private readonly headers: Record<string, string>,
    private readonly timeoutMs: number,
  ) {}

  /** One request; an HTTP status no revision would change is a ConsoleError, anything else comes back for the caller to judge. */
  async request(method: string, params: Record<string, unknown>): Promise<{ status: number; response: Response | undefined }> {
    const id = this.#nextId++;
    let answer: globalThis.Response;
    try {
      answer = await fetch(this.upstream, {
        method: "POST",
        redirect: "error",
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: {
          ...this.headers,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": STATELESS_REVISION,
          "mcp-method": method,
        },
        body: JSON.stringify({ jsonrpc: "2.0", id, method, params: { ...params, _meta: CLIENT_META } }),
      });
    } catch (error) {
      if ((error as Error).name === "TimeoutError") throw new ConsoleError("upstream", `The upstream did not answer within ${Math.round(this.timeoutMs / 1000)} s.`);
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new ConsoleError("upstream", `The upstream at ${this.upstream.origin} could not be reached${cause ? ` (${cause})` : ""}.`);
    }
    const refused = upstreamRefusal(answer.status, this.upstream);
    if (refused) {
      await answer.body?.cancel();
      throw new ConsoleError("upstream", refused);
    }
    const text = await readCapped(answer);
    return { status: answer.status, response: answerIn(text, answer.headers.get("content-type") ?? "", id) };
  }
}

/**
 * The server's tools, page by page, when it speaks 2026-07-28; undefined when
 * it does not (its answer to server/discover is not a result naming that
 * revision), so the caller can try the earlier revisions' handshake.
 */
export async function listStatelessTools(upstream: URL, headers: Record<string, string>, timeoutMs: number, maxPages: number): Promise<unknown[] | undefined> {
  const session = new StatelessSession(upstream, headers, timeoutMs);
  const discovered = await session.request("server/discover", {});
  const discover = discoverResultSchema.safeParse(discovered.response?.result);
  if (discovered.status !== 200 || !discover.success || !discover.data.supportedVersions.includes(STATELESS_REVISION)) return undefined;
  const tools: unknown[] = [];
  let cursor: string | undefined;
  for (let page = 0; ; page++) {
    if (page === maxPages) throw new ConsoleError("upstream", `The upstream's tool list did not end after ${maxPages} pages.`);
    const { status, response } = await session.request("tools/list", cursor === undefined ? {} : { cursor });
    if (response?.error) throw new ConsoleError("upstream", `The upstream answered with an MCP error: ${response.error.message}`);
    const listed = toolsPageSchema.safeParse(response?.result);
    if (status !== 200 || !listed.success)
      throw new ConsoleError("upstream", status === 200 ? "The upstream's tool list is not valid MCP." : `The upstream answered HTTP ${status}.`);
    tools.push(...listed.data.tools);
    cursor = listed.data.nextCursor;
    if (cursor === undefined) return tools;
  }
}
