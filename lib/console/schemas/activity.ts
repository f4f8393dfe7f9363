import { z } from "zod";

const text = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((v) => v || undefined);

/** Filters of the activity log, from the page's or the API's query string. */
export const activityFilterSchema = z.object({
  type: text,
  actor: text,
  q: text,
  cursor: z.string().max(200).optional(),
});

export type ActivityFilter = Partial<z.infer<typeof activityFilterSchema>>;
