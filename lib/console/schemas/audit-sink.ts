import { X509Certificate } from "node:crypto";
import { z } from "zod";
import { entityNameSchema } from "../../core/config/schema";
import { parseVaultReference } from "../../core/vault/reference";

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

// Header names are HTTP tokens (RFC 9110 §5.6.2); the exporter's own headers are not the admin's to replace.
const RESERVED_HEADERS = new Set(["content-type", "content-length", "content-encoding", "host", "user-agent"]);
const headerNameSchema = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, "a header name: letters, digits and !#$%&'*+.^_`|~-")
  .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), "set by the exporter itself");

// A value holds text and {vault://portcullis/…} references: the console resolves only its own vault (lib/console/sync-credential.ts).
const headerValueSchema = z
  .string()
  .min(1, "enter a value")
  .max(4096, "at most 4096 characters")
  .refine((value) => !/[\r\n\0]/.test(value), "no line breaks")
  .superRefine((value, ctx) => {
    for (const match of value.matchAll(/\{vault:[^}]*\}?/g)) {
      const ref = parseVaultReference(match[0]);
      if (!ref) ctx.addIssue({ code: "custom", message: `malformed vault reference ${JSON.stringify(match[0])}; expected {vault://portcullis/<name>}` });
      else if (ref.backend !== "portcullis") ctx.addIssue({ code: "custom", message: `${ref.raw}: the console resolves only {vault://portcullis/…} references` });
    }
  });

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
  z
    .object({
      kind: z.literal("otlp_logs"),
      name: entityNameSchema,
      url: webhookUrlSchema,
      protocol: z.enum(["http/protobuf", "http/json"], { error: "http/protobuf or http/json" }).default("http/protobuf"),
      headers: z
        .record(headerNameSchema, headerValueSchema)
        .default({})
        .refine((headers) => Object.keys(headers).length <= 20, "at most 20 headers")
        .refine((headers) => new Set(Object.keys(headers).map((name) => name.toLowerCase())).size === Object.keys(headers).length, "a header name appears twice"),
    })
    .strict(),
]);

export type AuditSinkCreateInput = z.input<typeof auditSinkCreateSchema>;
export type AuditSinkCreate = z.output<typeof auditSinkCreateSchema>;
