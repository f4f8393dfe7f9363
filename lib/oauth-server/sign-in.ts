// A sign-in with Portcullis, seen from the console: the user, signed in to the
// console (password or single sign-on), is asked whether the MCP client may act
// for them on the sign_in route(s) it asked for. On "allow", the consumer they
// act as is found — or created, when PORTCULLIS_SIGN_IN_CONSUMERS=create — with
// their IdP groups mapped to the consumer groups of the same names; a grant for
// exactly the requested resources is saved and oidc-provider resumes the
// authorization (the resume is bound to the browser that started it by
// oidc-provider's own cookie) — after the user has connected their own account
// at each requested upstream that takes one (sign-in-connections.ts).
import { SIGN_IN_SCOPE } from "../core/config/schema";
import type { CurrentUser } from "../auth/session";
import { recordActivity } from "../console/activity";
import { ConsoleError } from "../console/errors";
import { db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { assertClientMayAuthorize, recordClientSeen, recordClientSignIn } from "./clients";
import { CLIENT_REFUSALS, redirectSite, type ClientOrigin } from "./client-status";
import { oauthProvider } from "./provider";
import { consumerNameFor } from "./consumer-name";
import { findSignInResource } from "./resources";
import { nextSignInStep } from "./sign-in-connections";
import { readAuthorizationServerSettings } from "./settings";

type Tx = Prisma.TransactionClient;

export interface SignInRequest {
  uid: string;
  /** `pending`: registered, awaiting an admin's approval (the user may only decline). */
  client: { id: string; name?: string; origin: ClientOrigin; status: "active" | "pending" };
  /** The sign_in routes asked for: their URL and server name. */
  resources: { url: string; server?: string }[];
  /** Where the browser takes the code on "allow" (a registered redirect URI): its site, and whether that is the user's own computer. */
  redirect: { uri: string; site: string; local: boolean };
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : []);

async function findInteraction(uid: string) {
  const provider = await oauthProvider();
  const interaction = await provider.Interaction.find(uid);
  if (!interaction || interaction.result) throw new ConsoleError("not_found", "This sign-in has expired or was already answered; start again from your MCP client.");
  return { provider, interaction };
}

export async function readSignInRequest(uid: string): Promise<SignInRequest> {
  const { provider, interaction } = await findInteraction(uid);
  const clientId = String(interaction.params.client_id);
  const resources = await Promise.all(list(interaction.params.resource).map(async (url) => ({ url, server: (await findSignInResource(url))?.server })));
  const { name, known, redirectUris } = await recordInteractionClient(provider, clientId);
  if (known.status === "blocked") throw new ConsoleError("forbidden", CLIENT_REFUSALS.blocked);
  // oidc-provider checked it against the client's registered redirect URIs before the interaction began (and filled in a client's only one).
  const redirectUri = String(interaction.params.redirect_uri ?? redirectUris[0] ?? "");
  return {
    uid,
    client: { id: clientId, name, origin: known.origin, status: known.status === "pending" ? "pending" : "active" },
    resources,
    redirect: { uri: redirectUri, ...redirectSite(redirectUri) },
  };
}

/** Records the interaction's client as the consent page names it (a metadata document's first sight makes its row). */
async function recordInteractionClient(provider: Awaited<ReturnType<typeof oauthProvider>>, clientId: string) {
  const client = await provider.Client.find(clientId);
  const redirectUris = [...(client?.redirectUris ?? [])];
  const known = await recordClientSeen(clientId, { name: client?.clientName, redirectUris });
  return { name: client?.clientName, known, redirectUris };
}

async function signInConsumer(tx: Tx, user: CurrentUser, rule: "create" | "existing"): Promise<string> {
  const username = consumerNameFor(user.email);
  if (!username) throw new ConsoleError("forbidden", `Your email ${user.email} cannot name a consumer; ask an admin to make one for you.`);
  const found = await tx.consumer.findUnique({ where: { username }, select: { id: true, ownerUserId: true, disabledAt: true } });
  if (found?.disabledAt) throw new ConsoleError("forbidden", `The consumer ${username} is disabled; ask an admin.`);
  if (found?.ownerUserId && found.ownerUserId !== user.id) throw new ConsoleError("forbidden", `The consumer ${username} belongs to someone else; ask an admin.`);
  if (!found && rule === "existing") throw new ConsoleError("forbidden", `There is no consumer named ${username}; ask an admin to make one for you.`);
  const account = await tx.user.findUniqueOrThrow({ where: { id: user.id }, select: { idpGroups: true, passwordHash: true } });
  const consumer = found ?? (await tx.consumer.create({ data: { username, ownerUserId: user.id }, select: { id: true } }));
  if (!found) await recordActivity(tx, user, { action: "consumer.create", entityType: "consumer", entityId: consumer.id, entityName: username, after: { username, signIn: true } });
  // The IdP is the source of the groups of users who sign in through it; a password-only user's groups are the admins'.
  if (account.idpGroups.length > 0 || account.passwordHash === null) {
    const groups = await tx.consumerGroup.findMany({ where: { name: { in: account.idpGroups } }, select: { id: true, name: true } });
    const before = await tx.consumerGroupMember.findMany({ where: { consumerId: consumer.id }, select: { group: { select: { name: true } } } });
    const was = before.map((m) => m.group.name).sort();
    const now = groups.map((g) => g.name).sort();
    if (was.join("\n") !== now.join("\n")) {
      await tx.consumerGroupMember.deleteMany({ where: { consumerId: consumer.id } });
      await tx.consumerGroupMember.createMany({ data: groups.map((g) => ({ consumerId: consumer.id, groupId: g.id })) });
      await recordActivity(tx, user, {
        action: "consumer.groups",
        entityType: "consumer",
        entityId: consumer.id,
        entityName: username,
        before: { groups: was },
        after: { groups: now, from: "idp" },
      });
    }
  }
  return username;
}

/** Answers the interaction; returns where the browser goes next (back into the authorization). */
export async function answerSignIn(user: CurrentUser, uid: string, decision: "allow" | "deny"): Promise<{ redirectTo: string }> {
  const { provider, interaction } = await findInteraction(uid);
  const ttl = Math.max(interaction.exp - Math.floor(Date.now() / 1000), 1);
  if (decision === "deny") {
    interaction.result = { error: "access_denied", error_description: "The user declined the sign-in" };
    await interaction.save(ttl);
    return { redirectTo: interaction.returnTo };
  }
  const resources = list(interaction.params.resource);
  if (resources.length === 0) throw new ConsoleError("invalid", "The MCP client did not say which server it signs in to (no resource indicator).");
  const found = await Promise.all(resources.map(findSignInResource));
  if (found.some((r) => r === undefined)) throw new ConsoleError("invalid", "The MCP client asked for a server that is not a sign-in route of this gateway.");
  const clientId = String(interaction.params.client_id);
  // Recorded here as well as when the page shows: an answer posted without loading the page (a metadata-document
  // client's first sight) is judged, and listed on the MCP clients page, all the same.
  await recordInteractionClient(provider, clientId);
  await assertClientMayAuthorize(clientId);
  const rule = readAuthorizationServerSettings(process.env).consumers;
  const username = await db().$transaction((tx) => signInConsumer(tx, user, rule));
  const grant = new provider.Grant({ accountId: username, clientId });
  const requested = new Set(
    String(interaction.params.scope ?? "")
      .split(" ")
      .filter(Boolean),
  );
  if (!requested.has(SIGN_IN_SCOPE)) throw new ConsoleError("invalid", `The MCP client did not ask for the scope ${SIGN_IN_SCOPE}, which it reads from the server's metadata.`);
  for (const resource of resources) grant.addResourceScope(resource, SIGN_IN_SCOPE);
  // Also one of the provider's own scopes, so that registration accepts clients asking for it.
  grant.addOIDCScope(SIGN_IN_SCOPE);
  if (requested.has("openid")) grant.addOIDCScope("openid");
  if (requested.has("offline_access")) grant.addOIDCScope("offline_access");
  const grantId = await grant.save();
  interaction.result = { login: { accountId: username }, consent: { grantId } };
  await interaction.save(ttl);
  await recordClientSignIn(clientId);
  // Before the client gets its code: the upstream accounts the user has yet to connect for these servers.
  return { redirectTo: await nextSignInStep(user, uid) };
}
