// How an MCP client of the authorization server came, and where it stands —
// shared by the consent page and the MCP clients page (both in the browser)
// and lib/oauth-server/clients.ts.

export type ClientOrigin = "metadata_document" | "registration" | "console";
export type ClientStatus = "active" | "pending" | "blocked";

/** Why a sign-in through the client is refused, in words for the user. */
export const CLIENT_REFUSALS = {
  blocked: "An administrator has blocked this MCP client: it cannot sign in to this gateway.",
  pending: "This MCP client awaits an administrator's approval; ask an admin to approve it on the MCP clients page.",
  unknown: "The console has no record of this MCP client; start the sign-in again from your MCP client.",
} as const satisfies Partial<Record<ClientStatus | "unknown", string>>;

/** Where an authorization's code goes: the redirect URI's origin (an app's own scheme with its host, e.g. cursor://anysphere…), and whether that is this computer. */
export function redirectSite(uri: string): { site: string; local: boolean } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { site: uri, local: false };
  }
  const local = ["http:", "https:"].includes(url.protocol) && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  return { site: url.host ? `${url.protocol}//${url.host}` : url.protocol, local };
}
