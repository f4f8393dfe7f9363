import { ROLES } from "@/lib/auth/roles";
import { awaitDataPlanesApplied } from "@/lib/controlplane/await-applied";
import { publishAfterWrite } from "@/lib/controlplane/publish-after-write";
import { route } from "@/lib/console/route";
import { signInConsentSchema } from "@/lib/console/schemas/sign-in-consent";
import { answerSignIn } from "@/lib/oauth-server/sign-in";

/** The signed-in user allows or declines an MCP client's sign-in; the answer names where the browser goes next. */
export const POST = route({ roles: ROLES, body: signInConsentSchema }, async ({ user, body, params }) => {
  const answer = await answerSignIn(user, params.uid!, body.decision);
  // A consumer made or regrouped by this sign-in reaches the gateways before the client's first call.
  const version = await publishAfterWrite(user.id, "sign-in with Portcullis");
  if (version) await awaitDataPlanesApplied(version.number);
  return answer;
});
