import { z } from "zod";
import { entityNameSchema } from "../../core/config/schema";

/** Empty form fields mean "none" (null); null is accepted too, so parsed output parses again on the server. */
const optional = <S extends z.ZodType<string, string>>(schema: S) =>
  z
    .string()
    .trim()
    .nullable()
    .transform((value) => value || null)
    .pipe(schema.nullable());

export const consumerInputSchema = z.object({
  username: entityNameSchema,
  // The IdP's `sub` (or another claim) that token-swap routes match with consumer_by: custom_id.
  customId: optional(z.string().max(255, "at most 255 characters").regex(/^\S+$/, "no spaces")).default(null),
  ownerEmail: optional(z.email("enter the email of a console user").toLowerCase()).default(null),
  groupIds: z.array(z.uuid()).max(200, "at most 200 groups").default([]),
});

export type ConsumerInput = z.input<typeof consumerInputSchema>;

/** Disable or enable a consumer (PUT /api/consumers/{id}/status). */
export const consumerStatusSchema = z.strictObject({ disabled: z.boolean({ error: "disabled must be true or false" }) });

export const CONSUMER_PAGE_SIZE = 50;

export const consumerListQuerySchema = z.object({
  q: z.string().trim().max(128).optional(),
  group: z.uuid().optional(),
  /** Keyset cursors: the username after (or before) which the page starts. */
  after: z.string().max(128).optional(),
  before: z.string().max(128).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(CONSUMER_PAGE_SIZE),
});

export type ConsumerListQuery = z.input<typeof consumerListQuerySchema>;
