import { z } from "zod";
import { parseVaultReference } from "../../core/vault/reference";

// Credentials of the HashiCorp Vault backend are themselves references
// (e.g. {vault://env/VAULT_TOKEN}), never values kept in the database.
const credentialReference = z
  .string()
  .trim()
  .min(1, "enter a vault reference")
  .refine((value) => parseVaultReference(value) !== undefined, "write a reference such as {vault://env/VAULT_TOKEN}, not the credential itself")
  .refine((value) => parseVaultReference(value)?.backend !== "hcv", "the HashiCorp Vault credentials cannot come from HashiCorp Vault itself");

export const hcvBackendInputSchema = z.object({
  address: z.url({ protocol: /^https?$/, error: "enter the Vault address, e.g. https://vault.example.com:8200" }),
  mount: z.string().trim().min(1, "enter the KV v2 mount").max(200).default("secret"),
  namespace: z
    .string()
    .trim()
    .max(200)
    .transform((value) => value || undefined)
    .optional(),
  auth: z.discriminatedUnion("method", [
    z.object({ method: z.literal("token"), token: credentialReference }),
    z.object({
      method: z.literal("approle"),
      roleId: credentialReference,
      secretId: credentialReference,
      mount: z.string().trim().min(1, "enter the AppRole mount").max(200).default("approle"),
    }),
  ]),
  cacheTtlSeconds: z.coerce.number({ error: "enter a number of seconds" }).int().min(0).max(86_400, "at most one day").default(60),
});

export type HcvBackendInput = z.input<typeof hcvBackendInputSchema>;
