// What the condition editor saves for one rule of the matrix, what the server's
// redaction panel saves, and the settings page's secret patterns. The same
// limits as the gateway's config schema (lib/core/config/schema.ts), checked at
// the boundary so each problem comes back as a field error.
import { z } from "zod";
import { CONDITION_LIMITS } from "../../core/acl/condition";
import { ARGUMENT_PATH_PATTERN, checkSecretPatternsTogether, TOOL_NAME_PATTERN } from "../../core/config/schema";
import { checkSecretPattern } from "../../core/redaction/secret-masker";

export const saveRuleSettingsSchema = z
  .strictObject({
    /** A tool name, or "*" for the default rule. */
    tool: z.union([z.literal("*"), z.string().regex(TOOL_NAME_PATTERN, "not a valid tool name")]),
    /** null: the rule has no condition. */
    condition: z
      .strictObject({
        effect: z.enum(["allow", "deny"]),
        expression: z.string().trim().min(1, "write a condition").max(CONDITION_LIMITS.maxLength, `a condition has at most ${CONDITION_LIMITS.maxLength} characters`),
        message: z.string().trim().max(500, "a message has at most 500 characters").optional(),
      })
      .nullable(),
    redactArgs: z
      .array(z.string().trim().regex(ARGUMENT_PATH_PATTERN, "an argument path is `args` then `.field` or `[*]` steps, e.g. args.files[*].content"))
      .max(50, "at most 50 argument paths")
      .default([]),
  })
  .refine((input) => input.tool !== "*" || input.redactArgs.length === 0, { message: "argument paths belong to a tool's rule, not the default", path: ["redactArgs"] });

export type SaveRuleSettingsInput = z.infer<typeof saveRuleSettingsSchema>;

export const serverRedactionSchema = z.strictObject({
  resultRedaction: z.enum(["off", "secrets"]),
  auditArguments: z.boolean(),
});

export type ServerRedactionInput = z.infer<typeof serverRedactionSchema>;

export const secretPatternSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]{1,32}$/, "a pattern's name is 1–32 lowercase letters, digits or '_'"),
  pattern: z
    .string()
    .min(1, "write a pattern")
    .max(500, "a pattern has at most 500 characters")
    .superRefine((pattern, ctx) => {
      const problem = checkSecretPattern(pattern);
      if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
    }),
});

export const secretPatternsSchema = z.strictObject({
  patterns: z
    .array(secretPatternSchema)
    .max(100, "at most 100 patterns")
    .superRefine((patterns, ctx) => {
      const seen = new Set<string>();
      patterns.forEach((p, i) => {
        if (seen.has(p.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `another pattern is named "${p.name}"` });
        seen.add(p.name);
      });
      const problem = checkSecretPatternsTogether(patterns);
      if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
    }),
});

export type SecretPatternsInput = z.infer<typeof secretPatternsSchema>;
