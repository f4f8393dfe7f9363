import { z } from "zod";
import { entityNameSchema } from "../../core/config/schema";

export const groupInputSchema = z.object({
  name: entityNameSchema,
  description: z.string().trim().max(500, "at most 500 characters").default(""),
});

export type GroupInput = z.input<typeof groupInputSchema>;
