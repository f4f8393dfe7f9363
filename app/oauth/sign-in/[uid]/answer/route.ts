import { ROLES } from "@/lib/auth/roles";
import { awaitDataPlanesApplied } from "@/lib/controlplane/await-applied";
import { publishAfterWrite } from "@/lib/controlplane/publish-after-write";
import { route } from "@/lib/console/route";
import { signInConsentSchema } from "@/lib/console/schemas/sign-in-consent";
import { ConsoleError } from "@/lib/console/errors";
import { OTHER_BROWSER, startedInThisBrowser } from "@/lib/oauth-server/interaction-cookie";
import { answerSignIn } from "@/lib/oauth-server/sign-in";

/**
 * The signed-in user allows or declines an MCP client's sign-in; the answer names where the browser goes next.
 * Under the consent page's path, so the browser sends oidc-provider's interaction cookie with it.
 */
export const POST = route({ roles: ROLES, body: signInConsentSchema }, async ({ user, body, params, request }) => {
  if (!startedInThisBrowser(params.uid!, request.cookies)) throw new ConsoleError("forbidden", OTHER_BROWSER);
  const answer = await answerSignIn(user, params.uid!, body.decision);
  // A consumer made or regrouped by this sign-in reaches the gateways before the client's first call.
  const version = await publishAfterWrite(user.id, "sign-in with Portcullis");
  if (version) await awaitDataPlanesApplied(version.number);
  return answer;
});
