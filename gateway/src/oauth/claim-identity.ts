// Who a validated token names: the consumer selected by one claim (matched on
// username or custom_id) plus the groups another claim carries, merged for this
// request only. token_swap routes and passthrough routes with `identity: token`
// use it as is; `identity: both` uses it to check that the API key and the
// token belong to the same person.
import type { CompiledClaimMapping, CompiledConfig, CompiledConsumer } from "../config/compile";
import { GatewayError } from "../errors";
import type { Claims } from "./token-validator";

export interface ClaimIdentity {
  consumer: CompiledConsumer;
  /** The user as the IdP knows them. */
  endUser: string;
}

/** Groups from a claim that is a string (space-separated) or an array of strings. */
export function claimGroups(value: unknown): string[] {
  if (typeof value === "string") return value.split(/\s+/).filter(Boolean);
  return Array.isArray(value) ? value.filter((g): g is string => typeof g === "string") : [];
}

function claimedId(mapping: CompiledClaimMapping, claims: Claims): string | undefined {
  const subject = claims[mapping.consumerClaim];
  return typeof subject === "string" || typeof subject === "number" ? String(subject) : undefined;
}

function withClaimGroups(consumer: CompiledConsumer, mapping: CompiledClaimMapping, claims: Claims): CompiledConsumer {
  const extra = mapping.groupsClaim ? claimGroups(claims[mapping.groupsClaim]) : [];
  return extra.length ? { ...consumer, groups: [...new Set([...consumer.groups, ...extra])] } : consumer;
}

/** A scalar claim as text, or undefined. */
function claimText(value: unknown): string | undefined {
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

/**
 * Who a user mapped to the anonymous consumer is (their sessions are theirs): the consumer claim,
 * else `sub`, else (a client-credentials token has no user) `client_id` — each under the name of
 * its source, so a `sub` never passes for another user's claim of the same value. A token with
 * none of them is refused: its sessions could not be told from another such token's.
 */
function anonymousUser(mapping: CompiledClaimMapping, claims: Claims, id: string | undefined): string {
  if (id !== undefined) return `claim:${id}`;
  const sub = claimText(claims.sub);
  if (sub !== undefined) return `sub:${sub}`;
  const client = claimText(claims.client_id);
  if (client !== undefined) return `client:${client}`;
  throw new GatewayError(
    "consumer_unknown",
    `Your access token names no user or client (no ${mapping.consumerClaim}, sub or client_id claim), so the gateway cannot tell whose it is`,
    "anonymous mapping: no consumer claim, sub or client_id",
  );
}

export function consumerFromClaims(config: CompiledConfig, mapping: CompiledClaimMapping, claims: Claims): ClaimIdentity {
  const id = claimedId(mapping, claims);
  const known = id === undefined ? undefined : mapping.consumerBy === "username" ? config.consumersByUsername.get(id) : config.consumersByCustomId.get(id);
  const consumer = known ?? mapping.anonymous;
  if (!consumer) throw new GatewayError("consumer_unknown", "Your account is not a consumer of this gateway", `no consumer for ${mapping.consumerClaim}`);
  const endUser = known ? id! : anonymousUser(mapping, claims, id);
  return { consumer: withClaimGroups(consumer, mapping, claims), endUser };
}

/** `identity: both`: the key's consumer, if the token names that same consumer. */
export function confirmKeyHolder(keyConsumer: CompiledConsumer, mapping: CompiledClaimMapping, claims: Claims): ClaimIdentity {
  const id = claimedId(mapping, claims);
  const expected = mapping.consumerBy === "username" ? keyConsumer.username : keyConsumer.customId;
  if (id === undefined || expected === undefined || id !== expected) {
    throw new GatewayError(
      "identity_mismatch",
      "The access token and the API key belong to different people",
      `${mapping.consumerClaim} does not name the key's consumer by ${mapping.consumerBy}`,
    );
  }
  return { consumer: withClaimGroups(keyConsumer, mapping, claims), endUser: id };
}
