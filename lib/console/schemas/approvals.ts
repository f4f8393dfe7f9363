import { z } from "zod";
import { parseVaultReference } from "../../core/vault/reference";

const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);

/** https, or http to this machine (a local relay, or a test's listener). */
export function isWebhookUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname));
}

/**
 * Where the console posts a Slack-compatible message about each new pending approval: a URL, or a reference to
 * one in the built-in vault — webhook URLs such as Slack's are credentials themselves.
 */
export const approvalSettingsSchema = z.object({
  webhookUrl: z
    .string()
    .trim()
    .max(2000)
    .refine((v) => v === "" || isWebhookUrl(v) || parseVaultReference(v)?.backend === "portcullis", {
      message: "an https URL (http only to localhost), or a {vault://portcullis/…} reference to one",
    })
    .transform((v) => v || null)
    .nullable(),
});
export type ApprovalSettings = z.infer<typeof approvalSettingsSchema>;
