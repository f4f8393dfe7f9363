// The consumer a console user acts as when they sign in with Portcullis.
import { entityNameSchema } from "../core/config/schema";

/** The consumer name for a console user: their email, when it is a valid consumer name. */
export function consumerNameFor(email: string): string | undefined {
  const name = email.trim().toLowerCase();
  return entityNameSchema.safeParse(name).success ? name : undefined;
}
