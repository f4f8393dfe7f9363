// Which browser may answer an MCP client's sign-in: the one that started it.
// oidc-provider gives that browser the interaction cookie (the interaction's
// uid, signed with the provider's cookie key, path /oauth/sign-in/<uid>). A
// sign-in answered without it could be someone else's: an attacker starts an
// authorization through a trusted client, sends the consent link to a signed-in
// colleague, and resumes it with a code for the colleague's account.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { consoleMasterKey } from "../console/vault/master-key";

export const INTERACTION_COOKIE = "_interaction";

/** The key oidc-provider signs its cookies with: stable across console processes and restarts, never the master key itself. */
export function oauthCookieKey(): string {
  return Buffer.from(hkdfSync("sha256", consoleMasterKey(), "", "portcullis oauth cookies", 32)).toString("base64url");
}

/** The signature the `cookies` package (Keygrip, HMAC-SHA1, URL-safe base64) gives `name=value`. */
function cookieSignature(name: string, value: string): string {
  return createHmac("sha1", oauthCookieKey())
    .update(`${name}=${value}`)
    .digest("base64")
    .replace(/[/+=]/g, (c) => ({ "/": "_", "+": "-", "=": "" })[c]!);
}

export function startedInThisBrowser(uid: string, cookies: { get(name: string): { value: string } | undefined }): boolean {
  const value = cookies.get(INTERACTION_COOKIE)?.value;
  const signature = cookies.get(`${INTERACTION_COOKIE}.sig`)?.value;
  if (value !== uid || !signature) return false;
  const expected = Buffer.from(cookieSignature(INTERACTION_COOKIE, uid));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const OTHER_BROWSER =
  "This sign-in was started in another browser. Open the link your MCP client shows on this device, or start the sign-in again from the MCP client here.";
