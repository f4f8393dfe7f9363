// zod problems as form field errors: { "name": "…", "auth.issuer": "…" }.
import type { z } from "zod";
import { ConsoleError } from "./errors";

export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join(".") || "_";
    fields[path] ??= issue.message;
  }
  return fields;
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ConsoleError("invalid", "Some fields need attention.", fieldErrors(result.error));
  return result.data;
}
