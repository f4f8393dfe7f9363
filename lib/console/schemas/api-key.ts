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

export const apiKeyRollSchema = z.object({
  /** How long the old key keeps working; the console offers 0, 1 h, 24 h and 7 d. */
  overlapSeconds: z
    .number("pick an overlap")
    .int("whole seconds")
    .min(0, "the overlap cannot be negative")
    .max(7 * 86_400, "at most 7 days"),
});

export type ApiKeyRollInput = z.input<typeof apiKeyRollSchema>;
