// Passthrough routes: the upstream's own bearer token is required (so clients
// discover the upstream's authorization server through the gateway). Without
// `validate` it is forwarded unexamined; with it, the gateway checks it first
// (JWKS or introspection, the token_swap validator's checks and caches), so an
// expired, forged or mis-addressed token is refused here with 401 and a
// challenge pointing at the gateway's PRM, and never reaches the upstream.
// A valid token is still forwarded unchanged. Who the caller is comes from the
// API key (`identity: key`), the token's claims (`token`), or the key, checked
// against the claims (`both`).
import type { CompiledAuth } from "../config/compile";
import { confirmKeyHolder, consumerFromClaims } from "../oauth/claim-identity";
import { readBearerToken } from "./bearer-token";
import type { RequestContext } from "./context";
import type { CallerIdentity, TokenAuthenticator } from "./handle-request";
import { identifyByKey } from "./identify-by-key";

export type PassthroughAuth = Extract<CompiledAuth, { mode: "passthrough" }>;

/** Synchronous when the token is forwarded unexamined (the common case: no promise, no await on the hot path). */
export function authenticatePassthrough(ctx: RequestContext, auth: PassthroughAuth, tokens: TokenAuthenticator): CallerIdentity | Promise<CallerIdentity> {
  const metadataUrl = auth.upstreamPrm ? ctx.metadataUrl : undefined;
  const token = readBearerToken(ctx, metadataUrl);
  if (!auth.validate) return identifyByKey(ctx, auth.keyHeader);
  return identifyByValidatedToken(ctx, auth, auth.validate, tokens, token, metadataUrl);
}

async function identifyByValidatedToken(
  ctx: RequestContext,
  auth: PassthroughAuth,
  check: NonNullable<PassthroughAuth["validate"]>,
  tokens: TokenAuthenticator,
  token: string,
  metadataUrl: string | undefined,
): Promise<CallerIdentity> {
  const claims = await tokens.validate(ctx, token, check, check.audience, metadataUrl);
  if (auth.identity === "key") return { ...identifyByKey(ctx, auth.keyHeader), claims };
  if (auth.identity === "token") return { ...consumerFromClaims(ctx.config!, auth.mapping, claims), claims };
  const byKey = identifyByKey(ctx, auth.keyHeader);
  return { ...confirmKeyHolder(byKey.consumer, auth.mapping, claims), keyId: byKey.keyId, claims };
}
