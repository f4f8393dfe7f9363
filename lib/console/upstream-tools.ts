// Reads an upstream MCP server's whole tool list: from a 2026-07-28 server
// statelessly (stateless-tools.ts), else with the MCP SDK client's handshake —
// initialize, then tools/list page by page following nextCursor. The headers
// carry a credential meant for this one request: they are never stored, and
// no error or log line built here contains them. The tools are read as the
// upstream lists them, every member kept (the SDK's listTools drops members
// its schema does not know): a pin covers the whole object, as the gateway
// sees it.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { formatConfigIssues } from "../core/config/schema";
import { ConsoleError } from "./errors";
import { toolsListResultSchema, type ToolDefinition } from "./schemas/tools";
import { listStatelessTools, upstreamRefusal } from "./stateless-tools";

// One page as listed; the tools themselves are judged by toolsListResultSchema once every page is in.
const rawToolsPageSchema = z.looseObject({ tools: z.array(z.unknown()), nextCursor: z.string().optional() });

// Far more than any real server; stops a server whose cursors never end.
const MAX_PAGES = 100;

function describeFailure(error: unknown, upstream: URL, timeoutMs: number): string {
  if (error instanceof StreamableHTTPError) {
    const refused = error.code === undefined ? undefined : upstreamRefusal(error.code, upstream);
    if (refused) return refused;
    if (error.code !== undefined && error.code > 0) return `The upstream answered HTTP ${error.code}.`;
    return "The upstream's answer is not MCP Streamable HTTP.";
  }
  if (error instanceof McpError) {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-comparison -- McpError.code is a plain number that carries ErrorCode values
    if (error.code === ErrorCode.RequestTimeout) return `The upstream did not answer within ${Math.round(timeoutMs / 1000)} s.`;
    return `The upstream answered with an MCP error: ${error.message}`;
  }
  const cause = (error as { cause?: { code?: string } })?.cause?.code;
  if (cause) return `The upstream at ${upstream.origin} could not be reached (${cause}).`;
  if ((error as Error)?.name === "ZodError") return "The upstream's tool list is not valid MCP.";
  return `The upstream at ${upstream.origin} could not be read.`;
}

export async function fetchUpstreamTools(upstreamUrl: string, headers: Record<string, string>, timeoutMs: number): Promise<ToolDefinition[]> {
  const upstream = new URL(upstreamUrl);
  const tools = (await listStatelessTools(upstream, headers, timeoutMs, MAX_PAGES)) ?? (await listToolsWithHandshake(upstream, headers, timeoutMs));
  const parsed = toolsListResultSchema.safeParse({ tools });
  if (!parsed.success) throw new ConsoleError("upstream", `The upstream listed tools the console cannot govern: ${formatConfigIssues(parsed.error).join("; ")}`);
  return parsed.data.tools;
}

/** Earlier revisions: the SDK client's initialize, then tools/list in the session. */
async function listToolsWithHandshake(upstream: URL, headers: Record<string, string>, timeoutMs: number): Promise<unknown[]> {
  const client = new Client({ name: "portcullis-console", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(upstream, { requestInit: { headers } });
  const options = { timeout: timeoutMs };
  const tools: unknown[] = [];
  try {
    await client.connect(transport, options);
    let cursor: string | undefined;
    for (let page = 0; ; page++) {
      if (page === MAX_PAGES) throw new ConsoleError("upstream", `The upstream's tool list did not end after ${MAX_PAGES} pages.`);
      const result = await client.request({ method: "tools/list", params: cursor === undefined ? {} : { cursor } }, rawToolsPageSchema, options);
      tools.push(...result.tools);
      cursor = result.nextCursor;
      if (cursor === undefined) break;
    }
  } catch (error) {
    if (error instanceof ConsoleError) throw error;
    throw new ConsoleError("upstream", describeFailure(error, upstream, timeoutMs));
  } finally {
    await transport.terminateSession().catch(() => undefined);
    await client.close().catch(() => undefined);
  }
  return tools;
}
