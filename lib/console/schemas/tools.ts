// A `tools/list` result (MCP 2025-11-25 `ListToolsResult`), as the console
// accepts it from an upstream sync or a JSON file. Only what the console
// stores is checked strictly; unknown fields pass, as newer revisions add them.
import { z } from "zod";
import { formatConfigIssues, serverSchema, TOOL_NAME_PATTERN } from "../../core/config/schema";
import { normaliseToolName } from "../../core/acl/decide";

export const toolDefinitionSchema = z.looseObject({
  name: z.string().regex(TOOL_NAME_PATTERN, "a tool name is 1–128 characters of letters, digits, '_', '-', '.', '/'"),
  title: z.string().optional(),
  description: z.string().max(100_000).optional(),
  // MCP requires a JSON Schema object with type "object" at the root.
  inputSchema: z.looseObject({ type: z.literal("object", { error: 'inputSchema.type must be "object"' }) }, { error: "every tool needs an inputSchema object" }),
  annotations: z.looseObject({ readOnlyHint: z.boolean().optional() }).optional(),
});

export type ToolDefinition = z.infer<typeof toolDefinitionSchema>;

export const toolListSchema = z
  .array(toolDefinitionSchema)
  .max(5000, "at most 5,000 tools")
  .superRefine((tools, ctx) => {
    // The gateway matches rules on the NFKC case-folded name, so names equal that way would share one rule.
    const seen = new Map<string, number>();
    tools.forEach((tool, i) => {
      const key = normaliseToolName(tool.name);
      const first = seen.get(key);
      if (first !== undefined) ctx.addIssue({ code: "custom", path: [i, "name"], message: `"${tool.name}" is listed twice (first as tools[${first}])` });
      else seen.set(key, i);
    });
  });

export const toolsListResultSchema = z.looseObject({ tools: toolListSchema, nextCursor: z.string().optional() });

export const applyToolsSchema = z.strictObject({ source: z.enum(["sync", "import"]), tools: toolListSchema });

export const reviewToolsSchema = z.strictObject({ names: z.array(z.string().regex(TOOL_NAME_PATTERN)).min(1).max(5000) });

export type ParsedToolsFile = { ok: true; tools: ToolDefinition[] } | { ok: false; problems: string[] };

/**
 * A file holding a `tools/list` result — `{"tools": [...]}` — or the whole
 * JSON-RPC response around it, as `curl` prints it. Every problem is listed
 * with its path, e.g. `tools[3].inputSchema: every tool needs an inputSchema object`.
 */
export function parseToolsFile(text: string): ParsedToolsFile {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`not valid JSON: ${(error as Error).message}`] };
  }
  const envelope = document as { result?: unknown; error?: { message?: unknown } } | null;
  if (envelope && typeof envelope === "object" && "error" in envelope && envelope.error) {
    return { ok: false, problems: [`the file holds a JSON-RPC error, not a tool list: ${String(envelope.error.message ?? "")}`] };
  }
  const result = envelope && typeof envelope === "object" && "result" in envelope ? envelope.result : document;
  if (!result || typeof result !== "object" || !("tools" in result)) {
    return { ok: false, problems: ['expected a tools/list result: an object with a "tools" array'] };
  }
  const parsed = toolsListResultSchema.safeParse(result);
  if (!parsed.success) return { ok: false, problems: formatConfigIssues(parsed.error) };
  // An import replaces the whole list: one page of several would mark the other pages' tools gone.
  if (parsed.data.nextCursor) return { ok: false, problems: ["this is one page of several (nextCursor is set): combine every page's tools into one file, or use Sync"] };
  return { ok: true, tools: parsed.data.tools };
}

/**
 * The credential for one sync: headers sent to the upstream with this request
 * only (a bearer token arrives as Authorization). Values may be vault
 * references, resolved from the built-in vault; same rules as a server's
 * upstream headers.
 */
export const syncToolsSchema = z.strictObject({ headers: serverSchema.shape.upstream_headers });

/** Approve or reject pending catalogue changes: some by id, or all of the server's. */
export const decidePendingChangesSchema = z.strictObject({
  decision: z.enum(["approve", "reject"]),
  ids: z.union([z.literal("all"), z.array(z.uuid()).min(1).max(5000)]),
});
