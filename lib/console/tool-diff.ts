// What a new tool list changes against the stored one: tools that are new
// (or listed again after being gone), changed (description, input schema —
// compared by the SHA-256 of its canonical JSON — or read-only hint) and gone.
import { canonicalJson, sha256Hex } from "../core/config/canonical";
import type { ToolDefinition } from "./schemas/tools";

export interface StoredTool {
  name: string;
  description: string;
  inputSchemaHash: string;
  readOnlyHint: boolean | null;
  goneAt: Date | null;
}

export type ToolField = "description" | "inputSchema" | "readOnlyHint";

export interface ToolDiff {
  added: { name: string; description: string; readOnlyHint: boolean | null; listedAgain: boolean }[];
  changed: { name: string; fields: ToolField[]; description?: { before: string; after: string } }[];
  gone: string[];
  unchanged: number;
}

/** "sha256:<hex>" of the canonical JSON, so key order is never a change. */
export const hashInputSchema = (schema: unknown) => `sha256:${sha256Hex(canonicalJson(schema))}`;

/** The form in which a tool is stored. */
export function storedFormOf(tool: ToolDefinition) {
  return {
    name: tool.name,
    description: tool.description ?? "",
    inputSchema: tool.inputSchema,
    inputSchemaHash: hashInputSchema(tool.inputSchema),
    readOnlyHint: tool.annotations?.readOnlyHint ?? null,
    annotations: tool.annotations ?? null,
  };
}

function changedFields(stored: StoredTool, next: ReturnType<typeof storedFormOf>): ToolField[] {
  const fields: ToolField[] = [];
  if (stored.description !== next.description) fields.push("description");
  if (stored.inputSchemaHash !== next.inputSchemaHash) fields.push("inputSchema");
  if (stored.readOnlyHint !== next.readOnlyHint) fields.push("readOnlyHint");
  return fields;
}

export function diffTools(stored: readonly StoredTool[], incoming: readonly ToolDefinition[]): ToolDiff {
  const byName = new Map(stored.map((tool) => [tool.name, tool]));
  const diff: ToolDiff = { added: [], changed: [], gone: [], unchanged: 0 };
  const listed = new Set<string>();
  for (const tool of incoming) {
    listed.add(tool.name);
    const next = storedFormOf(tool);
    const before = byName.get(tool.name);
    if (!before || before.goneAt) {
      diff.added.push({ name: next.name, description: next.description, readOnlyHint: next.readOnlyHint, listedAgain: Boolean(before) });
      continue;
    }
    const fields = changedFields(before, next);
    if (fields.length === 0) diff.unchanged++;
    else diff.changed.push({ name: tool.name, fields, ...(fields.includes("description") ? { description: { before: before.description, after: next.description } } : {}) });
  }
  for (const tool of stored) if (!tool.goneAt && !listed.has(tool.name)) diff.gone.push(tool.name);
  diff.added.sort((a, b) => a.name.localeCompare(b.name));
  diff.changed.sort((a, b) => a.name.localeCompare(b.name));
  diff.gone.sort();
  return diff;
}
