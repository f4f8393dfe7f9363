import { z } from "zod";
import { CONDITION_LIMITS } from "../../core/acl/condition";

const name = z.string().trim().min(1).max(255);

/** A `require` block as the access page edits it (lib/core/config/schema.ts `toolRequirementSchema`, with the console's names). */
export const requirementInputSchema = z
  .object({
    action: z.enum(["confirm", "approve"]),
    /** The config's `for`: groups, usernames or "*". */
    for: z.array(name).min(1, "name at least one group, consumer or *").max(100).default(["*"]),
    when: z
      .string()
      .trim()
      .max(CONDITION_LIMITS.maxLength)
      .transform((v) => v || null)
      .nullable()
      .default(null),
    approvers: z.array(name).max(100).default([]),
    selfApproval: z.boolean().default(false),
    expiresSeconds: z.number("enter a number of seconds").int("whole seconds").min(60, "at least 60 seconds").max(86_400, "at most 86400 seconds (a day)").default(900),
    waitSeconds: z.number("enter a number of seconds").int("whole seconds").min(0, "at least 0").max(300, "at most 300 seconds").default(0),
  })
  .superRefine((r, ctx) => {
    if (r.action === "approve" && r.approvers.length === 0) ctx.addIssue({ code: "custom", path: ["approvers"], message: "pick the groups that approve" });
    if (r.action === "confirm" && r.approvers.length > 0)
      ctx.addIssue({ code: "custom", path: ["approvers"], message: "the caller confirms their own call: approvers apply to approve" });
    if (r.action === "confirm" && r.selfApproval) ctx.addIssue({ code: "custom", path: ["selfApproval"], message: "self-approval applies to approve" });
  });
export type RequirementInput = z.infer<typeof requirementInputSchema>;

/** One tool's requirement (or the default row's, tool "*"); null removes it. */
export const requirementWriteSchema = z.object({
  tool: z.string().min(1).max(128),
  requirement: requirementInputSchema.nullable(),
});

/** What tools annotated destructiveHint: true need (docs/console.md#destructive-tools). */
export const destructiveDefaultSchema = z
  .object({ action: z.enum(["allow", "confirm", "approve"]), approvers: z.array(name).max(100).default([]) })
  .superRefine((d, ctx) => {
    if (d.action === "approve" && d.approvers.length === 0) ctx.addIssue({ code: "custom", path: ["approvers"], message: "pick the groups that approve" });
  })
  .transform((d) => ({ ...d, approvers: d.action === "approve" ? d.approvers : [] }));
export type DestructiveDefaultInput = z.infer<typeof destructiveDefaultSchema>;
