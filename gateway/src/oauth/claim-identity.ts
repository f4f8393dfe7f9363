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

export function consumerFromClaims(config: CompiledConfig, mapping: CompiledClaimMapping, claims: Claims): ClaimIdentity {
  const id = claimedId(mapping, claims);
  const known = id === undefined ? undefined : mapping.consumerBy === "username" ? config.consumersByUsername.get(id) : config.consumersByCustomId.get(id);
  const consumer = known ?? mapping.anonymous;
  if (!consumer) throw new GatewayError("consumer_unknown", "Your account is not a consumer of this gateway", `no consumer for ${mapping.consumerClaim}`);
  // A client-credentials token has no user, only its client.
  const endUser = id ?? String(claims.sub ?? claims.client_id ?? "(unknown)");
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
