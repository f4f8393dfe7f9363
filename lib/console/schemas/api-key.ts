import { z } from "zod";

const TEN_YEARS_MS = 10 * 365 * 24 * 3600_000;

export const apiKeyInputSchema = z.object({
  name: z.string().trim().min(1, "give the key a name, e.g. the agent that will use it").max(100, "at most 100 characters"),
  expiresAt: z.iso
    .datetime({ offset: true, error: "pick a valid date" })
    .nullable()
    .default(null)
    .refine((value) => value === null || Date.parse(value) > Date.now(), "the expiry must be in the future")
    .refine((value) => value === null || Date.parse(value) < Date.now() + TEN_YEARS_MS, "at most ten years from now"),
});

export type ApiKeyInput = z.input<typeof apiKeyInputSchema>;

export const apiKeyListQuerySchema = z.object({
  /** Id of the last key of the previous page (keys are listed newest first). */
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
