// A unique-constraint refusal (Prisma P2002) named on the form field it is
// about, so "that name is taken" appears under Name rather than at the foot of
// the form. Prisma's driver adapter reports the constraint by its index name
// (`ConsumerGroup_name_key`, Prisma's `<Model>_<fields>_key` naming); the
// engine without an adapter reports `meta.target`, the fields themselves.
import { ConsoleError } from "./errors";

const FIELD_MESSAGES: Record<string, string> = {
  name: "This name is already taken.",
  username: "This username is already taken.",
  email: "A user with this email already exists.",
  customId: "Another consumer has this custom id.",
  path: "Another server uses this route path.",
};

interface UniqueViolation {
  code?: unknown;
  meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: { index?: unknown; fields?: unknown } } } };
}

/** The fields of the violated constraint, in its order; [] when the error does not say. */
export function violatedFields(error: unknown): string[] {
  const meta = (error as UniqueViolation)?.meta;
  if (Array.isArray(meta?.target)) return meta.target.map(String);
  const constraint = meta?.driverAdapterError?.cause?.constraint;
  if (Array.isArray(constraint?.fields)) return constraint.fields.map((f) => String(f).replaceAll('"', ""));
  if (typeof constraint?.index === "string" && constraint.index.endsWith("_key")) return constraint.index.slice(0, -"_key".length).split("_").slice(1);
  return [];
}

/** A 409 with the message on the field a person typed (the constraint's last field: `Tool(serverId, name)` is about the name). */
export function duplicateConflict(error: unknown): ConsoleError {
  const field = violatedFields(error).at(-1);
  const message = field ? FIELD_MESSAGES[field] : undefined;
  return message ? new ConsoleError("conflict", message, { [field!]: message }) : new ConsoleError("conflict", "Something with that name already exists.");
}
