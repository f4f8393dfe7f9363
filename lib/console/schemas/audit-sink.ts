import { X509Certificate } from "node:crypto";
import { z } from "zod";
import { entityNameSchema } from "../../core/config/schema";

const webhookUrlSchema = z
  .string()
  .trim()
  .max(2048, "at most 2048 characters")
  .refine((value) => URL.canParse(value) && ["http:", "https:"].includes(new URL(value).protocol), "enter an http:// or https:// URL");

// The HMAC key: long enough that it cannot be guessed from signatures.
const webhookSecretSchema = z
  .string()
  .min(16, "at least 16 characters")
  .max(256, "at most 256 characters")
  .refine((value) => value.trim() === value, "remove the spaces or line breaks at the start or end");

const hostSchema = z
  .string()
  .trim()
  .min(1, "enter the receiver's host name or IP address")
  .max(253, "at most 253 characters")
  .regex(/^[A-Za-z0-9.:-]+$/, "a host name or IP address, without a scheme or port");

const caSchema = z
  .string()
  .trim()
  .max(65_536, "at most 64 KiB")
  .refine((pem) => {
    try {
      new X509Certificate(pem);
      return true;
    } catch {
      return false;
    }
  }, "paste a PEM certificate (-----BEGIN CERTIFICATE-----)");

export const auditSinkCreateSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("webhook"), name: entityNameSchema, url: webhookUrlSchema, secret: webhookSecretSchema }).strict(),
  z
    .object({
      kind: z.literal("syslog"),
      name: entityNameSchema,
      host: hostSchema,
      port: z.number().int("a whole number").min(1, "from 1 to 65535").max(65_535, "from 1 to 65535"),
      tls: z.boolean().default(false),
      ca: caSchema.optional(),
    })
    .strict()
    .refine((sink) => sink.tls || sink.ca === undefined, { path: ["ca"], message: "a CA is only used with TLS; turn TLS on or leave it out" }),
]);

export type AuditSinkCreateInput = z.input<typeof auditSinkCreateSchema>;
export type AuditSinkCreate = z.output<typeof auditSinkCreateSchema>;
