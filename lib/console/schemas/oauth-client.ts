import { z } from "zod";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

/**
 * A redirect URI compared exactly at authorization (OAuth 2.1 §2.3.1): https, or http on a loopback
 * address for native clients (RFC 8252 §7.3); never a fragment.
 */
const redirectUriSchema = z
  .string()
  .trim()
  .max(2000, "at most 2000 characters")
  .refine((value) => URL.canParse(value), "must be an absolute URL")
  .refine((value) => !URL.canParse(value) || !new URL(value).hash, "must not have a fragment")
  .refine((value) => {
    if (!URL.canParse(value)) return true;
    const url = new URL(value);
    return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
  }, "must be https, or http on 127.0.0.1, [::1] or localhost");

/** An MCP client an admin registers in the console: public, PKCE (the authorization server requires it of every client). */
export const preRegisteredClientSchema = z.strictObject({
  name: z.string().trim().min(1, "required").max(100, "at most 100 characters"),
  redirect_uris: z.array(redirectUriSchema).min(1, "at least one redirect URI").max(10, "at most 10 redirect URIs"),
});

export type PreRegisteredClientInput = z.input<typeof preRegisteredClientSchema>;

/** What an admin decides about a client on the MCP clients page. */
export const oauthClientDecisionSchema = z.strictObject({ client_id: z.string().min(1).max(2048), action: z.enum(["approve", "block", "unblock"]) });
