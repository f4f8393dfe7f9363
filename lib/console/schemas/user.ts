import { z } from "zod";
import { ROLES } from "../../auth/roles";

export const MIN_PASSWORD_LENGTH = 12;

const email = z.string().trim().toLowerCase().pipe(z.email("enter an email address"));
const name = z.string().trim().max(200, "at most 200 characters");
const role = z.enum(ROLES, { error: "pick a role" });

/**
 * How a user gets a password: generated and shown once, typed by the admin,
 * or none (the user signs in with single sign-on only).
 */
const passwordFields = {
  passwordMode: z.enum(["generate", "set", "sso"]).default("generate"),
  password: z.string().max(1024).optional(),
};

function checkPassword(value: { passwordMode: string; password?: string }, ctx: z.RefinementCtx) {
  if (value.passwordMode === "set" && (value.password ?? "").length < MIN_PASSWORD_LENGTH) {
    ctx.addIssue({ code: "custom", path: ["password"], message: `at least ${MIN_PASSWORD_LENGTH} characters` });
  }
}

export const userCreateSchema = z.object({ email, name: name.default(""), role, ...passwordFields }).superRefine(checkPassword);

export const userUpdateSchema = z.object({ name, role, disabled: z.boolean() }).partial();

export const passwordResetSchema = z.object({ passwordMode: z.enum(["generate", "set"]).default("generate"), password: passwordFields.password }).superRefine(checkPassword);

export type UserCreateInput = z.input<typeof userCreateSchema>;
