// What the condition editor sends as the admin types: the expression, the tool
// of the cell (whose stored inputSchema types `args`), and for "try it" the
// sample call to evaluate it on.
import { z } from "zod";
import { CONDITION_LIMITS } from "../../core/acl/condition";
import { entityNameSchema, TOOL_NAME_PATTERN } from "../../core/config/schema";

export const conditionCheckSchema = z.strictObject({
  expression: z.string().min(1, "write a condition").max(CONDITION_LIMITS.maxLength, `a condition has at most ${CONDITION_LIMITS.maxLength} characters`),
  /** Absent: the default rule, which has no one schema. */
  tool: z.string().regex(TOOL_NAME_PATTERN, "not a valid tool name").optional(),
  sample: z
    .strictObject({
      args: z.record(z.string(), z.unknown()).default({}),
      consumer: z.strictObject({ username: entityNameSchema, custom_id: z.string().max(255).optional(), groups: z.array(entityNameSchema).max(100).default([]) }),
      claims: z.record(z.string(), z.unknown()).default({}),
    })
    .optional(),
});

export type ConditionCheckInput = z.infer<typeof conditionCheckSchema>;
