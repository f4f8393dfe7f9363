// The consumer a console user acts as when they sign in with Portcullis, and
// the one rule of which user a consumer belongs to (sign-in.ts acts on it).
import { entityNameSchema } from "../core/config/schema";

/** The consumer name for a console user: their email, when it is a valid consumer name. */
export function consumerNameFor(email: string): string | undefined {
  const name = email.trim().toLowerCase();
  return entityNameSchema.safeParse(name).success ? name : undefined;
}

/**
 * Whether a consumer belongs to one of these console users: a consumer belongs to its owner; one
 * without an owner, to the user whose email names it (signing in with Portcullis acts as that
 * consumer, and refuses one someone else owns). Used wherever a user's consumers are meant.
 */
export function belongsToAny(users: readonly { id: string; email: string }[]): (consumer: { username: string; ownerUserId: string | null }) => boolean {
  const ids = new Set(users.map((u) => u.id));
  const names = new Set(users.map((u) => consumerNameFor(u.email)));
  return (consumer) => (consumer.ownerUserId !== null ? ids.has(consumer.ownerUserId) : names.has(consumer.username));
}
