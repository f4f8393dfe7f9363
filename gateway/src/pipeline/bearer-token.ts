// The caller's bearer token (RFC 6750 §2.1) and the short hash that stands for
// it in audit events and caches.
import { createHash } from "node:crypto";
import { GatewayError } from "../errors";
import { bearerChallenge } from "../discovery/challenge";
import type { RequestContext } from "./context";

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export function tokenHash(token: string): string {
  return `sha256:${createHash("sha256").update(token).digest("hex").slice(0, 16)}`;
}

/** The token, or a 401 whose challenge points at the route's PRM (error="invalid_token" when a malformed one was sent). */
export function readBearerToken(ctx: RequestContext, metadataUrl: string | undefined): string {
  const header = ctx.req.headers.authorization;
  const match = header === undefined ? null : BEARER.exec(header);
  if (!match) {
    const sent = header !== undefined;
    throw new GatewayError(sent ? "token_invalid" : "token_missing", sent ? "The Authorization header is not a Bearer token" : "Authentication required: send a Bearer token").withHeader(
      "www-authenticate",
      bearerChallenge({ error: sent ? "invalid_token" : undefined, resource_metadata: metadataUrl }),
    );
  }
  const token = match[1]!;
  ctx.token = token;
  ctx.tokenHash = tokenHash(token);
  return token;
}
