import { awaitDataPlanesApplied } from "@/lib/controlplane/await-applied";
import { publishAfterWrite } from "@/lib/controlplane/publish-after-write";
import { route } from "@/lib/console/route";
import { oauthClientDecisionSchema } from "@/lib/console/schemas/oauth-client";
import { decideOAuthClient } from "@/lib/oauth-server/clients";

/** Approves, blocks or unblocks a client (its id in the body: a metadata document's id is a URL). */
export const POST = route({ roles: ["admin"], body: oauthClientDecisionSchema }, async ({ user, body }) => {
  const decided = await decideOAuthClient(user, body.client_id, body.action);
  // A block is in force when the answer comes: the gateways refuse the client's tokens by then.
  const version = await publishAfterWrite(user.id, `MCP client ${body.action}`);
  if (version) await awaitDataPlanesApplied(version.number);
  return decided;
});
