// The limit form's body: the config's limit rule (lib/core/config/schema.ts),
// with the subject said as what it is — "group:<name>", "consumer:<username>"
// or "*" for everyone — since a group and a consumer may share a name.
import { z } from "zod";
import { limitRuleSchema } from "../../core/config/schema";

export const limitSubjectSchema = z.union([z.literal("*"), z.string().regex(/^(group|consumer):.+$/, 'choose a group, a consumer, or "*" (everyone)')]);

export const limitInputSchema = z.strictObject({ ...limitRuleSchema.shape, subject: limitSubjectSchema }).superRefine((input, ctx) => {
  // The config's own rule (at least one budget), on the first budget's field so the form shows it.
  const checked = limitRuleSchema.safeParse({ ...input, subject: "*" });
  if (!checked.success) for (const issue of checked.error.issues) ctx.addIssue({ code: "custom", path: issue.path.length ? issue.path : ["per_minute"], message: issue.message });
});

export type LimitInput = z.infer<typeof limitInputSchema>;
