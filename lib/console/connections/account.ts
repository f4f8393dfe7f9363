// The upstream account of a sign_in server: how each user connects their own
// credential. `oauth`: the admin registered one OAuth application at the
// upstream (GitHub, Google…) and every user consents to it once; `static`: the
// user pastes a secret (a personal access token) once. Console-only: gateways
// see just `upstream_credential.per_user` (the header and scheme the user's
// credential is sent with), compiled from the same write.
import { z } from "zod";
import { perUserCredentialSchema } from "../../core/config/schema";
import { VAULT_REFERENCE_PATTERN } from "../../core/vault/reference";

const endpoint = z.url({ protocol: /^https?$/, error: "an http(s) URL" });
/** RFC 6749 §3.3 scope-token: printable ASCII except space, " and \. */
const scope = z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, "a scope is one word without spaces or quotes");

export const oauthAccountSchema = z.strictObject({
  kind: z.literal("oauth"),
  authorize_url: endpoint,
  token_url: endpoint,
  client_id: z.string().trim().min(1, "the client id the upstream gave the application").max(256),
  client_secret: z
    .string()
    .regex(VAULT_REFERENCE_PATTERN, "store the client secret in the vault and enter its reference, e.g. {vault://portcullis/github-client-secret}")
    .refine((value) => value.startsWith("{vault://portcullis/"), "the console exchanges the codes, so the secret must be in its own vault: {vault://portcullis/…}"),
  scopes: z.array(scope).max(50).default([]),
  /** RFC 7009: where a disconnect revokes the user's grant; without it a disconnect only forgets the tokens. */
  revocation_url: endpoint.optional(),
});

export const upstreamAccountSchema = z.discriminatedUnion("kind", [oauthAccountSchema, z.strictObject({ kind: z.literal("static") })], {
  error: 'the kind is "oauth" or "static"',
});
export type UpstreamAccount = z.infer<typeof upstreamAccountSchema>;
export type OAuthAccount = z.infer<typeof oauthAccountSchema>;

/** PUT /api/servers/:id/upstream-account; `account: null` turns per-user credentials off. The header and scheme are the gateways' own rules. */
export const upstreamAccountWriteSchema = z.strictObject({
  account: upstreamAccountSchema.nullable(),
  ...perUserCredentialSchema.shape,
});
export type UpstreamAccountWrite = z.infer<typeof upstreamAccountWriteSchema>;

/** The stored column, read back; a row written by an older console (or none) is no account. */
export function readUpstreamAccount(stored: unknown): UpstreamAccount | undefined {
  const parsed = upstreamAccountSchema.safeParse(stored);
  return parsed.success ? parsed.data : undefined;
}

/** The `per_user` section the gateways get, as stored with the auth settings. */
export function perUserOf(authSettings: unknown): { header: string; scheme: string } | undefined {
  const credential = (authSettings as { upstream_credential?: { per_user?: { header?: string; scheme?: string } } } | null)?.upstream_credential;
  const perUser = credential?.per_user;
  return perUser ? { header: perUser.header ?? "Authorization", scheme: perUser.scheme ?? "Bearer" } : undefined;
}

/** The header value the upstream gets: "<scheme> <credential>", or the raw credential when the scheme is empty. */
export const headerValue = (scheme: string, credential: string) => (scheme ? `${scheme} ${credential}` : credential);

/** The console page that connects a user's account to `server` (the gateway's errors link to it). */
export const connectPath = (server: string) => `/connections/${encodeURIComponent(server)}/connect`;

/**
 * Whether a saved setting is another upstream application than the stored one, so that every user's connection
 * must be broken: tokens (a refresh token above all) belong to the application that issued them, at the token URL
 * it was issued by, and must never be sent to another. A change of kind, authorize URL, token URL or client id is
 * another application. Scopes, the client secret's reference (a rotated secret of the same client) and the
 * revocation URL are not: the tokens held stay valid at the same token endpoint, and scopes granted earlier stay
 * what the user consented to until they reconnect.
 */
export function isOtherApplication(before: UpstreamAccount, after: UpstreamAccount): boolean {
  if (before.kind !== after.kind) return true;
  if (before.kind !== "oauth" || after.kind !== "oauth") return false;
  return before.authorize_url !== after.authorize_url || before.token_url !== after.token_url || before.client_id !== after.client_id;
}

/** What a broken connection says after the server's application changed. */
export const APPLICATION_CHANGED = "the server's upstream application changed; connect again";
