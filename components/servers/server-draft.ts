// The server form's draft: every field as the string (or choice) the admin
// edits, turned into the config's server shape on submit, so the shared schema
// (lib/console/schemas/server.ts) judges exactly what the API will receive.
// The token-validation fields serve both modes: a token_swap route's own, and
// a passthrough route's `validate`.
import type { ServerSettings } from "@/lib/console/schemas/server";

export interface HeaderRow {
  key: number;
  name: string;
  value: string;
}

export type ClientAuthMethod = "client_secret_basic" | "client_secret_post";
export type ActorTokenType = "access_token" | "jwt" | "id_token";

export interface Draft {
  name: string;
  path: string;
  upstream: string;
  mode: ServerSettings["auth"]["mode"];
  keyHeader: string;
  upstreamPrm: string;
  /** Passthrough: check the upstream's tokens at the gateway. */
  validateTokens: boolean;
  identity: "key" | "token" | "both";
  issuer: string;
  useIntrospection: boolean;
  introspectionEndpoint: string;
  clientId: string;
  clientSecret: string;
  authMethod: ClientAuthMethod;
  useJwks: boolean;
  jwksUri: string;
  audience: string;
  algorithms: string;
  scopesSupported: string;
  requiredScopes: string;
  consumerClaim: string;
  consumerBy: "username" | "custom_id";
  groupsClaim: string;
  unknownConsumer: string;
  /** Token swap: the upstream credential is a stored header, or an RFC 8693 token exchange. */
  credential: "headers" | "token_exchange";
  exchangeEndpoint: string;
  exchangeClientId: string;
  exchangeClientSecret: string;
  exchangeAuthMethod: ClientAuthMethod;
  exchangeAudience: string;
  exchangeResource: string;
  exchangeScope: string;
  /** RFC 8693 actor token (a vault reference), empty for none. */
  exchangeActorToken: string;
  exchangeActorTokenType: ActorTokenType;
  headers: HeaderRow[];
  timeoutMs: string;
  corsOrigins: string;
  toolChanges: ServerSettings["tool_changes"];
  newTools: ServerSettings["new_tools"];
}

/** Draft fields that hold text, for the form's input bindings. */
export type TextKey = { [K in keyof Draft]: Draft[K] extends string ? K : never }[keyof Draft];

let nextHeaderKey = 0;
export const headerRow = (name = "", value = ""): HeaderRow => ({ key: nextHeaderKey++, name, value });

export function draftOf(settings?: ServerSettings): Draft {
  const auth = settings?.auth;
  const swap = auth?.mode === "token_swap" ? auth : undefined;
  const passthrough = auth?.mode === "passthrough" ? auth : undefined;
  const check = swap ?? passthrough?.validate;
  const claims = swap ?? passthrough;
  const exchange = settings?.upstream_credential?.token_exchange;
  return {
    name: settings?.name ?? "",
    path: settings?.path ?? "",
    upstream: settings?.upstream ?? "",
    mode: auth?.mode ?? "passthrough",
    keyHeader: passthrough?.key_header ?? "apikey",
    upstreamPrm: passthrough?.upstream_prm ?? "",
    validateTokens: Boolean(passthrough?.validate),
    identity: passthrough?.identity ?? "key",
    issuer: check?.issuer ?? "",
    useIntrospection: check ? Boolean(check.introspection) : true,
    introspectionEndpoint: check?.introspection?.endpoint ?? "",
    clientId: check?.introspection?.client_id ?? "",
    clientSecret: check?.introspection?.client_secret ?? "",
    authMethod: check?.introspection?.auth_method ?? "client_secret_basic",
    useJwks: Boolean(check?.jwks),
    jwksUri: check?.jwks?.uri ?? "",
    audience: check?.audience ?? "",
    algorithms: passthrough?.validate?.algorithms?.join(" ") ?? "",
    scopesSupported: swap?.scopes_supported.join(" ") ?? "",
    requiredScopes: swap?.required_scopes.join(" ") ?? "",
    consumerClaim: claims?.consumer_claim ?? "sub",
    consumerBy: claims?.consumer_by ?? "username",
    groupsClaim: claims?.consumer_groups_claim ?? "",
    unknownConsumer: claims?.unknown_consumer ?? "reject",
    credential: exchange ? "token_exchange" : "headers",
    exchangeEndpoint: exchange?.endpoint ?? "",
    exchangeClientId: exchange?.client_id ?? "",
    exchangeClientSecret: exchange?.client_secret ?? "",
    exchangeAuthMethod: exchange?.auth_method ?? "client_secret_basic",
    exchangeAudience: exchange?.audience ?? "",
    exchangeResource: exchange?.resource ?? "",
    exchangeScope: exchange?.scope ?? "",
    exchangeActorToken: exchange?.actor_token ?? "",
    exchangeActorTokenType: exchange?.actor_token_type ?? "access_token",
    headers: Object.entries(settings?.upstream_headers ?? {}).map(([name, value]) => headerRow(name, value)),
    timeoutMs: String(settings?.timeout_ms ?? 60_000),
    corsOrigins: settings?.cors.origins.join("\n") ?? "",
    // A new server starts under change control.
    toolChanges: settings?.tool_changes ?? "hold",
    newTools: settings?.new_tools ?? "hold",
  };
}

const optional = (text: string) => (text.trim() === "" ? undefined : text.trim());
const words = (text: string) => text.split(/[\s,]+/).filter(Boolean);

function tokenCheckOf(d: Draft) {
  return {
    issuer: d.issuer.trim(),
    introspection: d.useIntrospection
      ? { endpoint: d.introspectionEndpoint.trim(), client_id: d.clientId.trim(), client_secret: d.clientSecret.trim(), auth_method: d.authMethod }
      : undefined,
    jwks: d.useJwks ? { uri: d.jwksUri.trim() } : undefined,
  };
}

function claimMappingOf(d: Draft, withFallback: boolean) {
  return {
    consumer_claim: d.consumerClaim.trim(),
    consumer_by: d.consumerBy,
    consumer_groups_claim: optional(d.groupsClaim),
    unknown_consumer: withFallback ? d.unknownConsumer.trim() || "reject" : undefined,
  };
}

function passthroughAuthOf(d: Draft) {
  const base = { mode: d.mode, key_header: d.keyHeader.trim(), upstream_prm: optional(d.upstreamPrm) };
  if (!d.validateTokens) return base;
  const validate = { ...tokenCheckOf(d), audience: d.audience.trim(), algorithms: words(d.algorithms).length ? words(d.algorithms) : undefined };
  // identity: key is the default, left unset like the claim fields it does not use.
  if (d.identity === "key") return { ...base, validate };
  const fallback = d.identity === "token" && d.unknownConsumer.trim() !== "" && d.unknownConsumer.trim() !== "reject";
  return { ...base, validate, identity: d.identity, ...claimMappingOf(d, fallback) };
}

function tokenExchangeOf(d: Draft) {
  return {
    token_exchange: {
      endpoint: d.exchangeEndpoint.trim(),
      client_id: d.exchangeClientId.trim(),
      client_secret: d.exchangeClientSecret.trim(),
      auth_method: d.exchangeAuthMethod,
      audience: optional(d.exchangeAudience),
      resource: optional(d.exchangeResource),
      scope: optional(d.exchangeScope),
      actor_token: optional(d.exchangeActorToken),
      actor_token_type: d.exchangeActorTokenType,
    },
  };
}

/** The draft in the config's server shape, for the shared schema to judge. */
export function inputOf(d: Draft): unknown {
  const swap = d.mode === "token_swap";
  const auth =
    d.mode === "sign_in"
      ? { mode: d.mode }
      : swap
        ? {
            mode: d.mode,
            ...tokenCheckOf(d),
            audience: optional(d.audience),
            scopes_supported: words(d.scopesSupported),
            required_scopes: words(d.requiredScopes),
            ...claimMappingOf(d, true),
          }
        : passthroughAuthOf(d);
  return {
    name: d.name.trim(),
    path: d.path.trim(),
    upstream: d.upstream.trim(),
    auth,
    upstream_credential: swap && d.credential === "token_exchange" ? tokenExchangeOf(d) : undefined,
    upstream_headers: Object.fromEntries(d.headers.filter((h) => h.name.trim() || h.value.trim()).map((h) => [h.name.trim(), h.value])),
    timeout_ms: d.timeoutMs.trim() === "" ? undefined : Number(d.timeoutMs),
    cors: { origins: words(d.corsOrigins) },
    tool_changes: d.toolChanges,
    new_tools: d.newTools,
  };
}

/** What the form's sections need to read and edit the draft. */
export interface DraftBinding {
  draft: Draft;
  set: <K extends keyof Draft>(key: K, value: Draft[K]) => void;
  text: (key: TextKey) => { value: string; onChange: (e: { target: { value: string } }) => void };
  /** The first field error at or under a path. */
  error: (prefix: string) => string | undefined;
  secrets: string[];
}
