// sign_in routes: the caller signed in with Portcullis's own authorization
// server (the console), which issued a JWT access token (RFC 9068) for this
// route's URL alone (RFC 8707). The gateway checks it locally against the
// public keys pushed with the configuration — no call to the console per
// request, so signed-in callers keep working while the console is down — and
// the token never goes upstream (forward.ts removes it). The token's `sub` is
// the consumer's username: the console found or created that consumer at
// sign-in and publishes its groups, so disabling it takes effect at once; a
// token of a client the console lists as blocked is refused the same way.
import { errors as joseErrors, jwtVerify } from "jose";
import type { CompiledAuth } from "../config/compile";
import { bearerChallenge } from "../discovery/challenge";
import { GatewayError } from "../errors";
import type { RequestContext } from "../pipeline/context";
import { readBearerToken } from "../pipeline/bearer-token";
import type { CallerIdentity } from "../pipeline/handle-request";

export type SignInAuth = Extract<CompiledAuth, { mode: "sign_in" }>;

const CLOCK_SKEW_SECONDS = 30;

export async function authenticateSignIn(ctx: RequestContext, auth: SignInAuth): Promise<CallerIdentity> {
  const metadataUrl = ctx.metadataUrl;
  const token = readBearerToken(ctx, metadataUrl);
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, auth.keys, {
      algorithms: auth.algorithms,
      issuer: auth.issuer,
      // Exactly this route's URL: a token for another route (or another gateway) is refused.
      audience: ctx.resourceUrl,
      typ: "at+jwt",
      clockTolerance: CLOCK_SKEW_SECONDS,
      // RFC 9068 §2.2: `client_id` names the MCP client, which an admin may block.
      requiredClaims: ["exp", "sub", "client_id"],
    }));
  } catch (error) {
    const code = error instanceof joseErrors.JOSEError ? error.code : "ERR_UNKNOWN";
    throw new GatewayError("token_invalid", "The access token is not valid for this server", `jwt: ${code}`).withHeader(
      "www-authenticate",
      bearerChallenge({ error: "invalid_token", error_description: "The access token is invalid or expired", resource_metadata: metadataUrl }),
    );
  }
  if (auth.blockedClients.has(String(claims.client_id)))
    throw new GatewayError("client_blocked", "An administrator has blocked this MCP client", `blocked client ${String(claims.client_id)}`);
  const username = claims.sub as string;
  const consumer = ctx.config!.consumersByUsername.get(username);
  if (!consumer) throw new GatewayError("consumer_unknown", "Your account is not a consumer of this gateway", `no enabled consumer ${username}`);
  return { consumer, claims };
}
