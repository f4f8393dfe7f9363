// After "Allow" on the sign-in consent: before the MCP client gets its code,
// the user connects their own account at each requested server whose upstream
// takes one through OAuth (issue 18: consent to the upstream once, at sign-in).
// Each connect flow comes back here; when none is left, oidc-provider resumes
// the authorization. Servers with pasted secrets are left to the first call,
// whose error links to their form.
import type { CurrentUser } from "../auth/session";
import { connectPath, perUserOf, readUpstreamAccount } from "../console/connections/account";
import { ConsoleError } from "../console/errors";
import { db } from "../db/client";
import { consumerNameFor } from "./consumer-name";
import { oauthProvider } from "./provider";
import { findSignInResource } from "./resources";

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : []);

/** The servers among `servers` that connect through an upstream OAuth application and `consumerId` has no working connection to. */
export async function serversToConnect(servers: string[], consumerId: string): Promise<string[]> {
  const rows = await db().mcpServer.findMany({
    where: { name: { in: servers }, authMode: "sign_in" },
    select: { name: true, authSettings: true, upstreamAccount: true, connections: { where: { consumerId, status: "connected" }, select: { id: true } } },
    orderBy: { name: "asc" },
  });
  return rows.filter((row) => perUserOf(row.authSettings) && readUpstreamAccount(row.upstreamAccount)?.kind === "oauth" && row.connections.length === 0).map((row) => row.name);
}

/**
 * The next upstream to connect for the answered interaction `uid`, or the authorization's resume URL —
 * at once when the user declined an upstream (asking again would loop; the first call asks with a link).
 */
export async function nextSignInStep(user: CurrentUser, uid: string, options: { declined?: boolean } = {}): Promise<string> {
  const provider = await oauthProvider();
  const interaction = await provider.Interaction.find(uid);
  const accountId = interaction?.result?.login?.accountId;
  // Only the user who answered the consent continues it.
  if (!interaction || !accountId || accountId !== consumerNameFor(user.email)) {
    throw new ConsoleError("not_found", "This sign-in has expired or is not yours; start again from your MCP client.");
  }
  if (options.declined) return interaction.returnTo;
  const consumer = await db().consumer.findUnique({ where: { username: accountId }, select: { id: true } });
  const servers = (await Promise.all(list(interaction.params.resource).map(findSignInResource))).flatMap((found) => (found ? [found.server] : []));
  const [next] = consumer ? await serversToConnect(servers, consumer.id) : [];
  return next ? `${connectPath(next)}?interaction=${encodeURIComponent(uid)}` : interaction.returnTo;
}
