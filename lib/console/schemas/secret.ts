import { z } from "zod";

/** The <name> of {vault://portcullis/<name>}: no "/" (that would start a field). */
export const secretNameSchema = z
  .string()
  .trim()
  .min(1, "enter a name")
  .max(128, "at most 128 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "use letters, digits, '_', '.' or '-', starting with a letter or digit");

// Values go into HTTP headers and client secrets as they are: a stray newline
// from a paste would break them, so refuse it rather than trim silently.
const secretValueSchema = z
  .string()
  .min(1, "enter the secret's value")
  .max(65_536, "at most 64 KiB")
  .refine((value) => value.trim() === value, "remove the spaces or line breaks at the start or end");

export const secretCreateSchema = z.object({ name: secretNameSchema, value: secretValueSchema });
export const secretRotateSchema = z.object({ value: secretValueSchema });

export type SecretCreateInput = z.input<typeof secretCreateSchema>;
