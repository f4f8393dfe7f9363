// A save of the tool access matrix: the rows as edited, and the version the
// editor started from (optimistic concurrency: McpServer.aclVersion).
import { z } from "zod";
import { entityNameSchema, TOOL_NAME_PATTERN } from "../../core/config/schema";

const cell = z.enum(["allow", "deny", "inherit"]);

const rowSchema = z.strictObject({
  groups: z.record(entityNameSchema, cell),
  others: cell,
  consumers: z.record(entityNameSchema, z.enum(["allow", "deny"])).optional(),
});

export const saveMatrixSchema = z.strictObject({
  version: z.number().int().min(0),
  defaultRow: rowSchema,
  tools: z.record(z.string().regex(TOOL_NAME_PATTERN, "not a valid tool name"), rowSchema).refine((tools) => Object.keys(tools).length <= 5000, "at most 5,000 tool rows"),
});

export type SaveMatrixInput = z.infer<typeof saveMatrixSchema>;
