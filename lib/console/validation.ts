// zod problems as form field errors: { "name": "…", "auth.issuer": "…" }.
import type { z } from "zod";
import { ConsoleError } from "./errors";

/** zod's generic wording for an empty required text and a bad record key, said the way a form would; schemas' own messages stay. */
function messageOf(issue: z.core.$ZodIssue): string {
  const generic = issue.message.startsWith("Too small:");
  if (issue.code === "too_small" && generic && issue.origin === "string" && Number(issue.minimum) === 1) return "required";
  if (issue.code === "invalid_key") return issue.issues[0]?.message ?? issue.message;
  return issue.message;
}

export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join(".") || "_";
    fields[path] ??= messageOf(issue);
  }
  return fields;
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ConsoleError("invalid", "Some fields need attention.", fieldErrors(result.error));
  return result.data;
}
