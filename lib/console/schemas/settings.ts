import { z } from "zod";

export const DEFAULT_MAX_ACTIVE_KEYS = 10;

/** Developer self-service, as admins set it on the Settings page. */
export const selfServiceSettingsSchema = z
  .object({
    /** A developer without a consumer gets one on their first visit to My keys. */
    autoCreateConsumer: z.boolean(),
    /** The group such a consumer joins. */
    defaultGroupId: z.uuid("pick a group").nullable(),
    /** Keys created in self-service expire within this many days; null: no maximum. */
    maxKeyLifetimeDays: z.number("enter a number of days").int("whole days").min(1, "at least 1 day").max(3650, "at most 3650 days (ten years)").nullable(),
    /** Active (neither revoked nor expired) keys one consumer may hold. */
    maxActiveKeysPerConsumer: z.number("enter a number").int("a whole number").min(1, "at least 1").max(1000, "at most 1000"),
  })
  .refine((s) => !s.autoCreateConsumer || s.defaultGroupId !== null, { path: ["defaultGroupId"], message: "pick the group new consumers join" });

export type SelfServiceSettings = z.infer<typeof selfServiceSettingsSchema>;

export const DEFAULT_SELF_SERVICE_SETTINGS: SelfServiceSettings = {
  autoCreateConsumer: false,
  defaultGroupId: null,
  maxKeyLifetimeDays: null,
  maxActiveKeysPerConsumer: DEFAULT_MAX_ACTIVE_KEYS,
};
