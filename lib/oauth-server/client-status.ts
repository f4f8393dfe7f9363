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
