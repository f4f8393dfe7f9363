// compile(config) → CompiledConfig: every lookup the request path needs, built
// once per configuration (routes by path, key hash → consumer, ACL per route,
// header templates with their vault references). Pure: no I/O, no secrets
// resolved here; the request path only looks things up.
import { createLocalJWKSet, type JWTVerifyGetKey } from "jose";
import { compileLimits, type CompiledLimits } from "../limits/limit-rules";
import { KnownTools } from "../metrics/known-tools";
import { compileAcl, normaliseToolName, type Caller, type CompiledAcl } from "../../../lib/core/acl/decide";
import { compileArgumentPath, type CompiledArgumentPath } from "../../../lib/core/redaction/argument-redaction";
import { compileSecretMasker, type SecretMasker } from "../../../lib/core/redaction/secret-masker";
import { JWT_ALGORITHMS, type AuthorizationServerConfig, type GatewayConfig, type ServerConfig } from "../../../lib/core/config/schema";
import { hashApiKey } from "../../../lib/core/keys/api-key";
import { findVaultReferences, type VaultReference } from "../../../lib/core/vault/reference";

export const PRM_PREFIX = "/.well-known/oauth-protected-resource";

export interface CompiledConsumer extends Caller {
  customId?: string;
}

export interface KeyEntry {
  /** The config's key id, reported in audit events for "last used". */
  id: string | undefined;
  hash: string;
  consumer: CompiledConsumer;
  /** Epoch ms after which the key is refused. */
  expiresAt: number;
}

/** A header value with {vault://…} references, resolved per request from the vault cache. */
export interface SecretTemplate {
  template: string;
  references: VaultReference[];
}

/** How a bearer token is validated: token_swap routes, and passthrough routes with `validate`. */
export interface CompiledTokenCheck {
  issuer: string;
  introspection?: { endpoint: string; clientId: string; clientSecret: SecretTemplate; authMethod: "client_secret_basic" | "client_secret_post" };
  jwksUri?: string;
  /** Undefined: the route's own URL (public URL + path), known per request when no public_url is set. */
  audience?: string;
  algorithms: string[];
  idpTimeoutMs: number;
}

/** Which consumer a validated token names. */
export interface CompiledClaimMapping {
  consumerClaim: string;
  consumerBy: "username" | "custom_id";
  groupsClaim?: string;
  /** Undefined: reject unknown users. */
  anonymous?: CompiledConsumer;
}

export type CompiledAuth =
  | {
      mode: "passthrough";
      keyHeader: string;
      upstreamPrm?: string;
      upstreamPrmTtlMs: number;
      validate?: CompiledTokenCheck & { audience: string };
      identity: "key" | "token" | "both";
      mapping: CompiledClaimMapping;
    }
  | ({ mode: "token_swap"; scopesSupported: string[]; requiredScopes: string[] } & CompiledTokenCheck & CompiledClaimMapping)
  | ({ mode: "sign_in" } & CompiledAuthorizationServer);

/** The authorization server of sign_in routes, with its public keys ready to verify against. */
export interface CompiledAuthorizationServer {
  issuer: string;
  keys: JWTVerifyGetKey;
  /** The algorithms of the published keys, within the asymmetric allow-list. */
  algorithms: string[];
}

/** RFC 8693 token exchange: the upstream credential, per user. */
export interface CompiledTokenExchange {
  endpoint: string;
  clientId: string;
  clientSecret: SecretTemplate;
  authMethod: "client_secret_basic" | "client_secret_post";
  audience?: string;
  resource?: string;
  scope?: string;
  /** RFC 8693 actor token and its type URI (urn:ietf:params:oauth:token-type:…). */
  actor?: { token: SecretTemplate; type: string };
  timeoutMs: number;
}

export interface CompiledRoute {
  name: string;
  path: string;
  upstream: { origin: string; path: string };
  auth: CompiledAuth;
  acl: CompiledAcl;
  /** Rate limits and quotas: subject → tool → rule. */
  limits: CompiledLimits;
  /** Tool names that may be metric labels (named by the ACL, or listed by the upstream). */
  knownTools: KnownTools;
  /** Catalogue change control: approved pins by normalised tool name, and what to do about others. */
  catalogue: { toolChanges: "hold" | "allow"; newTools: "hold" | "allow"; pins: ReadonlyMap<string, string> };
  /** Lower-cased header name → value template. */
  upstreamHeaders: [string, SecretTemplate][];
  forwardCallerToken: boolean;
  /** Set: the caller's token is exchanged for the upstream's Authorization. */
  tokenExchange?: CompiledTokenExchange;
  /** Set (sign_in routes): each user's own credential, from the console, goes in this (lower-cased) header. */
  perUserCredential?: { header: string };
  timeoutMs: number;
  corsOrigins: ReadonlySet<string>;
  corsAllowHeaders: string;
  /** `result_redaction: secrets`: masks credentials in tool results. */
  resultMasker?: SecretMasker;
  /** Each tool rule's `redact_args`, by normalised tool name: hashed in audited arguments and in what approvers are shown. */
  redactArgs: ReadonlyMap<string, readonly CompiledArgumentPath[]>;
  /** `audit_arguments`: the tools/call's arguments are audited (with `redactArgs` hashed). */
  auditArguments: boolean;
}

export interface CompiledConfig {
  /** The control plane's number of this document (audited with every request it decides); null for a config file. */
  configVersion: number | null;
  publicUrl?: string;
  maxBodyBytes: number;
  sseKeepAliveMs: number;
  maxSseEventBytes: number;
  /** Client-address headers forwarded upstream (lower case); every other one is dropped. */
  forwardedClientIpHeaders: ReadonlySet<string>;
  /** Exact route paths, with and without a trailing slash. */
  routes: ReadonlyMap<string, CompiledRoute>;
  /** PRM paths (with and without a trailing slash) → route. */
  metadataRoutes: ReadonlyMap<string, CompiledRoute>;
  keys: ReadonlyMap<string, KeyEntry>;
  consumersByUsername: ReadonlyMap<string, CompiledConsumer>;
  consumersByCustomId: ReadonlyMap<string, CompiledConsumer>;
  vault: GatewayConfig["vault"];
  redis: GatewayConfig["redis"];
}

const CORS_BASE_HEADERS = ["authorization", "content-type", "mcp-session-id", "mcp-protocol-version", "last-event-id", "mcp-method", "mcp-name"];

export function compileSecretTemplate(template: string): SecretTemplate {
  return { template, references: findVaultReferences(template) };
}

type IntrospectionConfig = NonNullable<Extract<ServerConfig["auth"], { mode: "token_swap" }>["introspection"]>;
type ClaimMappingConfig = Partial<Pick<Extract<ServerConfig["auth"], { mode: "token_swap" }>, "consumer_claim" | "consumer_by" | "consumer_groups_claim" | "unknown_consumer">>;

function compileIntrospection(introspection: IntrospectionConfig | undefined): CompiledTokenCheck["introspection"] {
  return (
    introspection && {
      endpoint: introspection.endpoint,
      clientId: introspection.client_id,
      clientSecret: compileSecretTemplate(introspection.client_secret),
      authMethod: introspection.auth_method,
    }
  );
}

function compileClaimMapping(auth: ClaimMappingConfig, consumers: ReadonlyMap<string, CompiledConsumer>): CompiledClaimMapping {
  // The schema's token_swap defaults; passthrough routes leave them unset unless identity comes from the token.
  const unknown = auth.unknown_consumer ?? "reject";
  return {
    consumerClaim: auth.consumer_claim ?? "sub",
    consumerBy: auth.consumer_by ?? "username",
    groupsClaim: auth.consumer_groups_claim,
    anonymous: unknown === "reject" ? undefined : consumers.get(unknown),
  };
}

function compileAuthorizationServer(config: AuthorizationServerConfig): CompiledAuthorizationServer {
  const algorithms = new Set(config.jwks.keys.map((key) => key.alg ?? (key.kty === "EC" ? "ES256" : key.kty === "OKP" ? "EdDSA" : "RS256")));
  return { issuer: config.issuer, keys: createLocalJWKSet(config.jwks), algorithms: JWT_ALGORITHMS.filter((alg) => algorithms.has(alg)) };
}

function compileAuth(server: ServerConfig, consumers: ReadonlyMap<string, CompiledConsumer>, signIn: CompiledAuthorizationServer | undefined): CompiledAuth {
  const auth = server.auth;
  // The schema refuses a sign_in route without an authorization server.
  if (auth.mode === "sign_in") return { mode: "sign_in", ...signIn! };
  if (auth.mode === "passthrough") {
    const validate = auth.validate && {
      issuer: auth.validate.issuer,
      introspection: compileIntrospection(auth.validate.introspection),
      jwksUri: auth.validate.jwks?.uri,
      audience: auth.validate.audience,
      algorithms: auth.validate.algorithms ?? [...JWT_ALGORITHMS],
      idpTimeoutMs: auth.validate.idp_timeout_ms,
    };
    return {
      mode: "passthrough",
      keyHeader: auth.key_header.toLowerCase(),
      upstreamPrm: auth.upstream_prm,
      upstreamPrmTtlMs: auth.upstream_prm_ttl_seconds * 1000,
      validate,
      identity: auth.identity ?? "key",
      mapping: compileClaimMapping(auth, consumers),
    };
  }
  return {
    mode: "token_swap",
    issuer: auth.issuer,
    introspection: compileIntrospection(auth.introspection),
    jwksUri: auth.jwks?.uri,
    audience: auth.audience,
    algorithms: [...JWT_ALGORITHMS],
    scopesSupported: auth.scopes_supported,
    requiredScopes: auth.required_scopes,
    ...compileClaimMapping(auth, consumers),
    idpTimeoutMs: auth.idp_timeout_ms,
  };
}

function compileTokenExchange(server: ServerConfig): CompiledTokenExchange | undefined {
  const exchange = server.upstream_credential?.token_exchange;
  if (!exchange || server.auth.mode !== "token_swap") return undefined;
  return {
    endpoint: exchange.endpoint,
    clientId: exchange.client_id,
    clientSecret: compileSecretTemplate(exchange.client_secret),
    authMethod: exchange.auth_method,
    audience: exchange.audience,
    resource: exchange.resource,
    scope: exchange.scope,
    actor: exchange.actor_token ? { token: compileSecretTemplate(exchange.actor_token), type: `urn:ietf:params:oauth:token-type:${exchange.actor_token_type}` } : undefined,
    timeoutMs: server.auth.idp_timeout_ms,
  };
}

function compilePerUserCredential(server: ServerConfig): CompiledRoute["perUserCredential"] {
  const perUser = server.upstream_credential?.per_user;
  return perUser && server.auth.mode === "sign_in" ? { header: perUser.header.toLowerCase() } : undefined;
}

function compileRoute(
  server: ServerConfig,
  consumers: ReadonlyMap<string, CompiledConsumer>,
  masker: SecretMasker,
  signIn: CompiledAuthorizationServer | undefined,
): CompiledRoute {
  const upstream = new URL(server.upstream);
  const auth = compileAuth(server, consumers, signIn);
  const allowHeaders = auth.mode === "passthrough" && !CORS_BASE_HEADERS.includes(auth.keyHeader) ? [...CORS_BASE_HEADERS, auth.keyHeader] : CORS_BASE_HEADERS;
  const forwardCallerToken = auth.mode === "passthrough" || server.passthrough_credentials;
  // Forwarding the caller's token means it goes "instead" of a configured Authorization.
  const upstreamHeaders = Object.entries(server.upstream_headers)
    .map(([name, value]): [string, SecretTemplate] => [name.toLowerCase(), compileSecretTemplate(value)])
    .filter(([name]) => !(forwardCallerToken && name === "authorization"));
  return {
    name: server.name,
    path: server.path,
    upstream: { origin: upstream.origin, path: `${upstream.pathname}${upstream.search}` },
    auth,
    acl: compileAcl(server.acl),
    limits: compileLimits(server.name, server.limits),
    knownTools: new KnownTools(new Set([...server.acl.tools, ...server.tools].map((tool) => tool.name))),
    catalogue: { toolChanges: server.tool_changes, newTools: server.new_tools, pins: new Map(server.tools.map((t) => [normaliseToolName(t.name), t.pin])) },
    upstreamHeaders,
    forwardCallerToken,
    tokenExchange: compileTokenExchange(server),
    perUserCredential: compilePerUserCredential(server),
    timeoutMs: server.timeout_ms,
    corsOrigins: new Set(server.cors.origins.map((o) => (o === "*" ? o : new URL(o).origin))),
    corsAllowHeaders: allowHeaders.join(", "),
    resultMasker: server.result_redaction === "secrets" ? masker : undefined,
    redactArgs: new Map(server.acl.tools.filter((rule) => rule.redact_args).map((rule) => [normaliseToolName(rule.name), rule.redact_args!.map(compileArgumentPath)])),
    auditArguments: server.audit_arguments === true,
  };
}

export function compileConfig(config: GatewayConfig, overrides: { publicUrl?: string } = {}, configVersion: number | null = null): CompiledConfig {
  const consumersByUsername = new Map<string, CompiledConsumer>();
  const consumersByCustomId = new Map<string, CompiledConsumer>();
  const keys = new Map<string, KeyEntry>();
  for (const c of config.consumers) {
    const consumer: CompiledConsumer = { username: c.username, groups: c.groups, customId: c.custom_id };
    consumersByUsername.set(c.username, consumer);
    if (c.custom_id) consumersByCustomId.set(c.custom_id, consumer);
    for (const key of c.keys) {
      const hash = "key" in key ? hashApiKey(key.key) : key.hash;
      keys.set(hash, { id: key.id, hash, consumer, expiresAt: key.expires_at ? Date.parse(key.expires_at) : Number.POSITIVE_INFINITY });
    }
  }
  const routes = new Map<string, CompiledRoute>();
  const metadataRoutes = new Map<string, CompiledRoute>();
  const masker = compileSecretMasker(config.secret_patterns);
  const signIn = config.authorization_server && compileAuthorizationServer(config.authorization_server);
  for (const server of config.servers) {
    const route = compileRoute(server, consumersByUsername, masker, signIn);
    for (const path of [route.path, `${route.path}/`]) {
      routes.set(path, route);
      metadataRoutes.set(`${PRM_PREFIX}${path}`, route);
    }
  }
  const publicUrl = overrides.publicUrl ?? config.gateway.public_url;
  return {
    configVersion,
    publicUrl: publicUrl?.replace(/\/+$/, ""),
    maxBodyBytes: config.gateway.max_body_bytes,
    sseKeepAliveMs: config.gateway.sse_keepalive_ms,
    maxSseEventBytes: config.gateway.max_sse_event_bytes,
    forwardedClientIpHeaders: new Set(config.gateway.forward_client_ip_headers.map((h) => h.toLowerCase())),
    routes,
    metadataRoutes,
    keys,
    consumersByUsername,
    consumersByCustomId,
    vault: config.vault,
    redis: config.redis,
  };
}
