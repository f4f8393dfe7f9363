// The caller's bearer token (RFC 6750 §2.1), its SHA-256 (the key of the
// validation caches) and the short prefix of it that audit events show. The
// prefix is published in audit logs, so it never keys anything: a cache keyed
// on 64 bits would let a crafted token collide with a validated one.
import { hash } from "node:crypto";
import { GatewayError } from "../errors";
import { bearerChallenge } from "../discovery/challenge";
import type { RequestContext } from "./context";

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export function tokenDigest(token: string): string {
  return hash("sha256", token);
}

/** The token, or a 401 whose challenge points at the route's PRM (error="invalid_token" when a malformed one was sent). */
export function readBearerToken(ctx: RequestContext, metadataUrl: string | undefined): string {
  const header = ctx.req.headers.authorization;
  const match = header === undefined ? null : BEARER.exec(header);
  if (!match) {
    const sent = header !== undefined;
    throw new GatewayError(
      sent ? "token_invalid" : "token_missing",
      sent ? "The Authorization header is not a Bearer token" : "Authentication required: send a Bearer token",
    ).withHeader("www-authenticate", bearerChallenge({ error: sent ? "invalid_token" : undefined, resource_metadata: metadataUrl }));
  }
  const token = match[1]!;
  ctx.token = token;
  ctx.tokenDigest = tokenDigest(token);
  ctx.tokenHash = `sha256:${ctx.tokenDigest.slice(0, 16)}`;
  return token;
}
