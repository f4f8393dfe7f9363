// The gateway configuration document: what users write by hand (YAML or
// JSON), what the console compiles its database into, and what the gateway
// validates before it serves a single request. Names are a public contract:
// extend, never rename.
import { z } from "zod";
import { compileCondition } from "../acl/condition";
import { checkSecretPattern, compileSecretMasker, type SecretPattern } from "../redaction/secret-masker";
import { PIN_PATTERN } from "../tools/pin";
import { VAULT_REFERENCE_PATTERN } from "../vault/reference";

/** Names of groups, consumers and servers: the ACL refers to them. */
export const entityNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, "use letters, digits, '_', '.', '@' or '-', starting with a letter or digit");
const name = entityNameSchema;

const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http(s) URL" });

// MCP 2025-11-25 tool names: 1–128 characters of A–Z a–z 0–9 _ - . (and we allow "/" seen in the wild).
export const TOOL_NAME_PATTERN = /^[A-Za-z0-9_./-]{1,128}$/;
const toolName = z.string().regex(TOOL_NAME_PATTERN, "tool names are 1–128 characters of letters, digits, '_', '-', '.', '/'");

const routePath = z
  .string()
  .regex(/^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/, "a route path starts with '/', has no trailing '/', and uses letters, digits, '.', '_', '~', '-'")
  .refine((p) => !p.startsWith("/.well-known") && !p.startsWith("/_portcullis"), "this path is reserved by the gateway");

/** A string that may hold {vault://…} references; every reference in it must be well formed. */
const secretString = z.string().superRefine((value, ctx) => {
  for (const match of value.matchAll(/\{vault:[^}]*\}?/g)) {
    if (!VAULT_REFERENCE_PATTERN.test(match[0])) {
      ctx.addIssue({ code: "custom", message: `malformed vault reference ${JSON.stringify(match[0])}; expected {vault://<backend>/<key>[/<field>]}` });
    }
  }
});

const sha256Hash = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected "sha256:" followed by 64 lowercase hex digits');

const keyFields = {
  /** Stable id, so the console can report a key's last use. */
  id: z.string().min(1).max(64).optional(),
  name: z.string().max(200).optional(),
  /** After this instant the key is refused (expiry, or the end of a roll's overlap). */
  expires_at: z.iso.datetime({ offset: true }).optional(),
};

export const apiKeySchema = z.union([
  z.strictObject({ key: z.string().min(8, "a key has at least 8 characters"), ...keyFields }),
  z.strictObject({ hash: sha256Hash, ...keyFields }),
]);

/** A group name, a consumer username, or "*" for every caller. */
const subject = z.union([z.literal("*"), name]);

/**
 * A human in the loop for calls the rule allows (docs/gateway.md, "Confirmation and approval"): `confirm`, the
 * caller confirms this exact call; `approve`, someone in `approvers` does, in the console. Only an allowed call
 * whose caller is in `for` and for which `when` holds (an evaluation error counts as holding) needs the step.
 */
export const toolRequirementSchema = z
  .strictObject({
    action: z.enum(["confirm", "approve"]),
    for: z.array(subject).min(1).default(["*"]),
    /** A CEL condition over the call, with the same variables as the rule's `when`; absent: always. */
    when: z.string().min(1).optional(),
    /** approve only: the consumer groups whose members may approve. */
    approvers: z.array(name).min(1).optional(),
    /** approve only: an approver may approve their own call. */
    self_approval: z.boolean().default(false),
    /** How long a pending or approved approval lives. */
    expires_seconds: z.number().int().min(60).max(86_400).default(900),
    /** With a progressToken, the gateway holds the call open this long waiting for the approval, sending progress. */
    wait_seconds: z.number().int().min(0).max(300).default(0),
  })
  .superRefine((r, ctx) => {
    if (r.action === "approve" && r.approvers === undefined)
      ctx.addIssue({ code: "custom", path: ["approvers"], message: "an approval needs `approvers`: the consumer groups that may approve" });
    if (r.action === "confirm" && r.approvers !== undefined)
      ctx.addIssue({ code: "custom", path: ["approvers"], message: "the caller confirms their own call: `approvers` applies to `action: approve`" });
    if (r.action === "confirm" && r.self_approval) ctx.addIssue({ code: "custom", path: ["self_approval"], message: "self_approval applies to `action: approve`" });
  });

export const aclRuleSchema = z.strictObject({
  allow: z.array(subject).optional(),
  deny: z.array(subject).optional(),
  /**
   * A CEL condition over the call (docs/gateway.md, "Conditions"). With `allow` (or no lists): the callers
   * the rule admits are admitted only when it holds, and `deny` beside `allow` still refuses by name. With `deny`
   * alone: the denied callers are refused only when it holds.
   */
  when: z.string().min(1).optional(),
  /** What a caller refused by `when` is told. */
  message: z.string().min(1).max(500).optional(),
  /** Confirmation or approval before an allowed call is forwarded. */
  require: toolRequirementSchema.optional(),
});

/** An argument path: `args`, then `.field` or `[*]` (every element of a list) steps. */
export const ARGUMENT_PATH_PATTERN = /^args(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\*\])+$/;

export const toolRuleSchema = aclRuleSchema.extend({
  name: toolName,
  /** Argument paths (`args.content`, `args.files[*].content`) recorded as a hash, never as the value (docs/gateway.md, "Redaction"). */
  redact_args: z.array(z.string().regex(ARGUMENT_PATH_PATTERN, "an argument path is `args` then `.field` or `[*]` steps, e.g. args.files[*].content")).optional(),
});

export const aclSchema = z.strictObject({
  /** Decides every tool that has no rule of its own under `tools`. */
  default: aclRuleSchema.default({}),
  tools: z.array(toolRuleSchema).default([]),
});

/**
 * A rate limit or quota: who (a group, a consumer's username, or "*") × which
 * tool of this server (a name, or "*" for every tool together) → budgets.
 * Each consumer has its own counters; every rule that matches a call applies.
 */
export const limitRuleSchema = z
  .strictObject({
    subject,
    tool: z.union([z.literal("*"), toolName]).default("*"),
    per_minute: z.number().int().min(1).max(1_000_000).optional(),
    per_hour: z.number().int().min(1).max(10_000_000).optional(),
    per_day: z.number().int().min(1).max(100_000_000).optional(),
    /** Calls in flight at once (until their responses end, streams included). */
    concurrent: z.number().int().min(1).max(100_000).optional(),
  })
  .refine((r) => r.per_minute !== undefined || r.per_hour !== undefined || r.per_day !== undefined || r.concurrent !== undefined, {
    message: "a limit needs at least one of per_minute, per_hour, per_day or concurrent",
  });

const introspectionSchema = z.strictObject({
  endpoint: httpUrl,
  client_id: z.string().min(1),
  client_secret: secretString.min(1),
  auth_method: z.enum(["client_secret_basic", "client_secret_post"]).default("client_secret_basic"),
});

/** JWT signature algorithms a route may accept: asymmetric only — never `none`, never an HMAC a public key could forge. */
export const JWT_ALGORITHMS = ["RS256", "ES256", "PS256", "EdDSA"] as const;

const jwksSchema = z.strictObject({ uri: httpUrl });

/** Introspection and JWKS requests that take longer fail closed (503). */
const idpTimeoutMs = z.number().int().min(100).max(60_000).default(5_000);

/** Which consumer a validated token names (token_swap routes, and passthrough routes with `identity: token` or `both`). */
const consumerClaim = z.string().min(1);
const consumerBy = z.enum(["username", "custom_id"]);
const consumerGroupsClaim = z.string().min(1);
/** "reject", or the username of the consumer that unknown users act as. */
const unknownConsumer = z.string().min(1);

/** A passthrough route's check of the upstream's token before it is forwarded. */
const tokenValidationSchema = z
  .strictObject({
    /** The upstream authorization server's issuer (`iss`). */
    issuer: httpUrl,
    /** What the upstream's tokens carry in `aud`: there is no default, the gateway is not their audience. */
    audience: z.string().min(1),
    jwks: jwksSchema.optional(),
    introspection: introspectionSchema.optional(),
    algorithms: z.array(z.enum(JWT_ALGORITHMS)).min(1).optional(),
    idp_timeout_ms: idpTimeoutMs,
  })
  .refine((v) => v.introspection || v.jwks, { message: "validate needs `jwks` or `introspection`", path: ["jwks"] });

const passthroughAuthSchema = z
  .strictObject({
    mode: z.literal("passthrough"),
    key_header: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, "a header name uses letters, digits and '-'")
      .refine((h) => h.toLowerCase() !== "authorization", "the key header cannot be Authorization: it carries the upstream's token")
      .default("apikey"),
    /** The upstream's Protected Resource Metadata (RFC 9728), served through the gateway with `resource` rewritten. */
    upstream_prm: httpUrl.optional(),
    /** How long a fetched upstream PRM is served before it is fetched again (a stale copy is served while the upstream is down). */
    upstream_prm_ttl_seconds: z.number().int().min(1).max(86_400).default(300),
    /** Without: the token is forwarded unexamined. */
    validate: tokenValidationSchema.optional(),
    /**
     * Who the caller is: the API key (`key`, the default), the validated token's claims (`token`), or the
     * key, whose consumer the claims must name (`both`). The claim fields default as on token_swap routes.
     */
    identity: z.enum(["key", "token", "both"]).optional(),
    consumer_claim: consumerClaim.optional(),
    consumer_by: consumerBy.optional(),
    consumer_groups_claim: consumerGroupsClaim.optional(),
    unknown_consumer: unknownConsumer.optional(),
  })
  .refine((a) => (a.identity ?? "key") === "key" || a.validate, { message: "identity from the token needs `validate`: an unvalidated token names no one", path: ["identity"] })
  .refine((a) => (a.identity ?? "key") !== "key" || [a.consumer_claim, a.consumer_by, a.consumer_groups_claim].every((f) => f === undefined), {
    message: "consumer_claim, consumer_by and consumer_groups_claim need `identity: token` or `both`",
    path: ["identity"],
  })
  .refine((a) => a.identity === "token" || a.unknown_consumer === undefined, { message: "unknown_consumer applies to `identity: token` only", path: ["unknown_consumer"] });

const tokenSwapAuthSchema = z
  .strictObject({
    mode: z.literal("token_swap"),
    issuer: httpUrl,
    introspection: introspectionSchema.optional(),
    jwks: jwksSchema.optional(),
    /** Defaults to the route URL (public_url + path). */
    audience: z.string().min(1).optional(),
    scopes_supported: z.array(z.string().min(1)).default([]),
    required_scopes: z.array(z.string().min(1)).default([]),
    consumer_claim: consumerClaim.default("sub"),
    consumer_by: consumerBy.default("username"),
    consumer_groups_claim: consumerGroupsClaim.optional(),
    unknown_consumer: unknownConsumer.default("reject"),
    idp_timeout_ms: idpTimeoutMs,
  })
  .refine((a) => a.introspection || a.jwks, { message: "token_swap needs `introspection` or `jwks` to validate tokens", path: ["introspection"] });

/**
 * The caller signs in with Portcullis: the route's authorization server is the one named in the
 * document's `authorization_server` (the console's own, which the console pushes), whose JWT access
 * tokens the gateway validates locally, for exactly this route's URL.
 */
const signInAuthSchema = z.strictObject({ mode: z.literal("sign_in") });

/** The one scope of sign_in routes, advertised in their PRM: clients must ask for a scope, and the authorization server grants this one. */
export const SIGN_IN_SCOPE = "mcp";

/** A public signing key (RFC 7517): private members (`d`, `p`, `q`…) are refused, so a leaked document signs nothing. */
const publicJwkSchema = z.union([
  z.strictObject({
    kty: z.literal("EC"),
    crv: z.enum(["P-256", "P-384", "P-521"]),
    x: z.string().min(1),
    y: z.string().min(1),
    kid: z.string().min(1),
    alg: z.enum(JWT_ALGORITHMS).optional(),
    use: z.literal("sig").optional(),
  }),
  z.strictObject({
    kty: z.literal("RSA"),
    n: z.string().min(1),
    e: z.string().min(1),
    kid: z.string().min(1),
    alg: z.enum(JWT_ALGORITHMS).optional(),
    use: z.literal("sig").optional(),
  }),
  z.strictObject({
    kty: z.literal("OKP"),
    crv: z.literal("Ed25519"),
    x: z.string().min(1),
    kid: z.string().min(1),
    alg: z.enum(JWT_ALGORITHMS).optional(),
    use: z.literal("sig").optional(),
  }),
]);

/** The authorization server of `sign_in` routes: its issuer and public keys, current and previous (rotation). */
export const authorizationServerSchema = z
  .strictObject({
    issuer: httpUrl,
    jwks: z.strictObject({ keys: z.array(publicJwkSchema).min(1, "the authorization server needs at least one signing key").max(16) }),
    /** MCP clients an admin blocked: their access tokens (RFC 9068 `client_id`) are refused even before they expire. */
    blocked_clients: z.array(z.string().min(1).max(2048)).max(10_000).default([]),
  })
  .refine((a) => new Set(a.jwks.keys.map((k) => k.kid)).size === a.jwks.keys.length, { message: "each key has its own kid", path: ["jwks", "keys"] });

/** RFC 8693: the upstream credential is obtained per user, by exchanging the caller's validated token at the IdP. */
const tokenExchangeSchema = z
  .strictObject({
    endpoint: httpUrl,
    client_id: z.string().min(1),
    client_secret: secretString.min(1),
    auth_method: z.enum(["client_secret_basic", "client_secret_post"]).default("client_secret_basic"),
    /** RFC 8693 `audience`: the upstream's logical name at the IdP. */
    audience: z.string().min(1).optional(),
    /** RFC 8707 / 8693 `resource`: the upstream's URI. */
    resource: httpUrl.optional(),
    scope: z.string().min(1).optional(),
    /** RFC 8693 §2.1 `actor_token`: who acts for the user (the gateway's own token, e.g. a service account's), as a vault reference. */
    actor_token: secretString.min(1).optional(),
    actor_token_type: z.enum(["access_token", "jwt", "id_token"]).default("access_token"),
  })
  .refine((x) => x.audience || x.resource, { message: "token_exchange needs `audience` or `resource`: the upstream must get a token issued for it", path: ["audience"] });

/** Headers the gateway itself sets or that frame the request: a user's credential cannot go in them. */
const RESERVED_CREDENTIAL_HEADERS = new Set([
  "host",
  "content-length",
  "content-type",
  "transfer-encoding",
  "connection",
  "mcp-session-id",
  "mcp-protocol-version",
  "traceparent",
  "tracestate",
]);

/**
 * sign_in routes: each signed-in user's own upstream credential, held by the console (the user connects the
 * server once: the upstream's OAuth consent, or a secret they paste) and fetched by the gateway when first
 * needed. The console builds the value as `<scheme> <token>`, or the token alone when `scheme` is "".
 */
export const perUserCredentialSchema = z.strictObject({
  header: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, "a header name uses letters, digits and '-'")
    .refine((h) => !RESERVED_CREDENTIAL_HEADERS.has(h.toLowerCase()), "this header is set by the gateway itself")
    .default("Authorization"),
  scheme: z
    .string()
    .max(32)
    .regex(/^[A-Za-z0-9._~+/-]*$/, 'a scheme is one word, e.g. Bearer or token ("" for the raw value)')
    .default("Bearer"),
});

/** The fields the rules across a server look at (the console's form has all but passthrough_credentials). */
interface ServerRuleFields {
  auth: { mode: "passthrough" | "token_swap" | "sign_in" };
  upstream_headers: Record<string, string>;
  passthrough_credentials?: boolean;
  upstream_credential?: { token_exchange?: unknown; per_user?: { header: string } };
}

/** Rules across a server's fields, shared with the console's server form. */
export function checkServerRules(server: ServerRuleFields, ctx: z.RefinementCtx) {
  const rule = (broken: boolean, path: string, message: string) => {
    if (broken) ctx.addIssue({ code: "custom", path: [path], message });
  };
  const passthrough = server.auth.mode === "passthrough";
  const setsAuthorization = Object.keys(server.upstream_headers).some((h) => h.toLowerCase() === "authorization");
  const exchanges = server.upstream_credential?.token_exchange !== undefined;
  const perUser = server.upstream_credential?.per_user;
  rule(
    passthrough && server.passthrough_credentials === true,
    "passthrough_credentials",
    "passthrough_credentials only applies to token_swap routes (passthrough routes always forward the token)",
  );
  // On the header's own field, so the console's form shows it beside the header.
  for (const header of Object.keys(server.upstream_headers)) {
    if (!passthrough || header.toLowerCase() !== "authorization") continue;
    ctx.addIssue({
      code: "custom",
      path: ["upstream_headers", header],
      message: `${header} carries a credential the caller brings on a passthrough route (their upstream token, forwarded untouched), so it cannot be set here; use token swap to send a stored credential`,
    });
  }
  rule(passthrough && exchanges, "upstream_credential", "upstream_credential applies to token_swap routes (a passthrough route forwards the caller's token)");
  const signIn = server.auth.mode === "sign_in";
  rule(signIn && exchanges, "upstream_credential", "upstream_credential applies to token_swap routes");
  rule(
    signIn && server.passthrough_credentials === true,
    "passthrough_credentials",
    "a sign_in route never forwards the caller's token: it was issued by Portcullis for the gateway alone",
  );
  rule(
    exchanges && server.passthrough_credentials === true,
    "passthrough_credentials",
    "token exchange sends an exchanged token, never the caller's: it excludes passthrough_credentials",
  );
  rule(exchanges && perUser !== undefined, "upstream_credential", "choose one: `token_exchange` or `per_user`");
  rule(
    perUser !== undefined && !signIn,
    "upstream_credential",
    "per_user applies to sign_in routes: a user's own upstream credential is found by the user signed in with Portcullis",
  );
  for (const header of Object.keys(server.upstream_headers)) {
    if (perUser === undefined || header.toLowerCase() !== perUser.header.toLowerCase()) continue;
    ctx.addIssue({
      code: "custom",
      path: ["upstream_headers", header],
      message: `${header} carries each user's own credential (upstream_credential.per_user), so it cannot be set here too`,
    });
  }
  rule(!passthrough && exchanges && setsAuthorization, "upstream_headers", "the exchanged token is the route's Authorization; it cannot be set in upstream_headers too");
}
/** Hand-written files and servers that existed before pinning keep today's behaviour: allow. */
const catalogueRule = z.enum(["hold", "allow"]).default("allow");

export const serverSchema = z
  .strictObject({
    name,
    path: routePath,
    upstream: httpUrl,
    auth: z.discriminatedUnion("mode", [passthroughAuthSchema, tokenSwapAuthSchema, signInAuthSchema]),
    /** Added to every upstream request; values may hold vault references. */
    upstream_headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, "a header name uses letters, digits and '-'"), secretString).default({}),
    /** token_swap only: forward the caller's token instead of removing it (the less safe choice). */
    passthrough_credentials: z.boolean().default(false),
    /** token_swap: `token_exchange`; sign_in: `per_user`. How the upstream credential is obtained, instead of a stored one in upstream_headers. */
    upstream_credential: z
      .strictObject({ token_exchange: tokenExchangeSchema.optional(), per_user: perUserCredentialSchema.optional() })
      .refine((c) => c.token_exchange !== undefined || c.per_user !== undefined, { message: "upstream_credential needs `token_exchange` or `per_user`" })
      .optional(),
    timeout_ms: z.number().int().min(100).max(3_600_000).default(60_000),
    cors: z.strictObject({ origins: z.array(z.union([z.literal("*"), z.url()])).default([]) }).default({ origins: [] }),
    acl: aclSchema.default({ default: {}, tools: [] }),
    limits: z.array(limitRuleSchema).default([]),
    /** A listed tool whose definition differs from its pin: held (hidden, calls refused) until an admin approves it, or allowed. */
    tool_changes: catalogueRule,
    /** A tool with no pin: held until an admin approves it, or allowed. */
    new_tools: catalogueRule,
    /** The approved catalogue: each tool's pin (see lib/core/tools/pin.ts). */
    tools: z.array(z.strictObject({ name: toolName, pin: z.string().regex(PIN_PATTERN, 'a pin is "sha256:" followed by 64 lowercase hex digits') })).default([]),
    /** `secrets`: credentials in tool results are masked before the agent sees them (built-in formats and `secret_patterns`); absent: off. */
    result_redaction: z.enum(["off", "secrets"]).optional(),
    /** The audit event records each tools/call's arguments, with the tool rule's `redact_args` hashed; absent: false. */
    audit_arguments: z.boolean().optional(),
  })
  .refine((s) => new Set(s.tools.map((t) => t.name)).size === s.tools.length, { message: "each tool is pinned once", path: ["tools"] })
  .superRefine(checkServerRules);

export const consumerSchema = z.strictObject({
  username: name,
  custom_id: z.string().min(1).max(255).optional(),
  groups: z.array(name).default([]),
  keys: z.array(apiKeySchema).default([]),
});

const hashicorpVaultSchema = z.strictObject({
  address: httpUrl,
  mount: z.string().min(1).default("secret"),
  namespace: z.string().optional(),
  token: secretString.optional(),
  approle: z.strictObject({ role_id: secretString, secret_id: secretString, mount: z.string().default("approle") }).optional(),
  cache_ttl_seconds: z.number().int().min(0).max(86_400).default(60),
});

/** Shared rate-limit counters for several gateways (PORTCULLIS_REDIS_URL, when set, wins). */
export const redisSchema = z.strictObject({
  /** redis://[user:password@]host:port[/db], or rediss:// for TLS; the password is sent with AUTH. */
  url: z.url({ protocol: /^rediss?$/, error: "expected a redis:// or rediss:// URL" }),
  /** PEM file of the CA that signed the Redis server's certificate (rediss:// with a private CA). */
  ca_file: z.string().min(1).optional(),
  key_prefix: z.string().min(1).max(64).default("portcullis:"),
  /** A concurrency slot not renewed for this long is freed: how long a dead gateway's calls keep counting. */
  slot_lease_seconds: z.number().int().min(2).max(3600).default(60),
});

export const configSchema = z
  .strictObject({
    version: z.literal(1),
    gateway: z
      .strictObject({
        /** Public base URL of the gateway, used in PRM `resource` and WWW-Authenticate. Defaults to the request's own origin. */
        public_url: httpUrl.optional(),
        max_body_bytes: z
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 * 1024)
          .default(1024 * 1024),
        /** An SSE stream with nothing to send gets a comment line this often, so idle streams are not cut. */
        sse_keepalive_ms: z.number().int().min(100).max(300_000).default(15_000),
        /** Client-address headers (X-Real-IP, True-Client-IP…) are dropped unless named here, e.g. when a trusted proxy in front sets them. */
        forward_client_ip_headers: z.array(z.string().regex(/^[A-Za-z0-9-]+$/, "a header name uses letters, digits and '-'")).default([]),
        /** The largest SSE event the gateway holds to inspect it; a larger one fails its stream closed. */
        max_sse_event_bytes: z
          .number()
          .int()
          .min(1024)
          .max(256 * 1024 * 1024)
          .default(16 * 1024 * 1024),
      })
      .default({ max_body_bytes: 1024 * 1024, sse_keepalive_ms: 15_000, forward_client_ip_headers: [], max_sse_event_bytes: 16 * 1024 * 1024 }),
    consumer_groups: z.array(z.strictObject({ name, description: z.string().optional() })).default([]),
    consumers: z.array(consumerSchema).default([]),
    servers: z.array(serverSchema).default([]),
    vault: z
      .strictObject({
        /** Encrypted values of the built-in store ({vault://portcullis/<name>}), as the console keeps them. */
        portcullis: z.record(z.string(), z.string().regex(/^v1:/, "expected an encrypted value (v1:…)")).default({}),
        hcv: hashicorpVaultSchema.optional(),
        cache_ttl_seconds: z.number().int().min(0).max(86_400).default(60),
      })
      .default({ portcullis: {}, cache_ttl_seconds: 60 }),
    redis: redisSchema.optional(),
    /** Whose access tokens `sign_in` routes accept (the console sets it to its own authorization server). */
    authorization_server: authorizationServerSchema.optional(),
    /** Credential formats `result_redaction: secrets` masks besides the built-in ones (RE2 syntax). */
    secret_patterns: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[a-z0-9_]{1,32}$/, "a pattern's name is 1–32 lowercase letters, digits or '_'"),
          pattern: z
            .string()
            .min(1)
            .max(500)
            .superRefine((pattern, ctx) => {
              const problem = checkSecretPattern(pattern);
              if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
            }),
        }),
      )
      .superRefine((patterns, ctx) => {
        const problem = checkSecretPatternsTogether(patterns);
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
      })
      .default([]),
  })
  .superRefine(checkReferences);

export type GatewayConfig = z.infer<typeof configSchema>;
export type GatewayConfigInput = z.input<typeof configSchema>;
export type ServerConfig = GatewayConfig["servers"][number];
export type ConsumerConfig = GatewayConfig["consumers"][number];
export type AclConfig = z.infer<typeof aclSchema>;
export type AclRuleConfig = z.infer<typeof aclRuleSchema>;
export type ToolRequirementConfig = z.infer<typeof toolRequirementSchema>;
export type LimitRuleConfig = z.infer<typeof limitRuleSchema>;
export type RedisConfig = z.infer<typeof redisSchema>;
export type AuthorizationServerConfig = z.infer<typeof authorizationServerSchema>;

/**
 * Why the gateway could not compile these patterns into one masker (compile.ts does, for every
 * configuration), or undefined when it can. Each pattern passing on its own is not enough: a
 * masker that throws would make ConfigStore.apply refuse every later configuration.
 * Patterns already refused on their own are left to their own message.
 */
export function checkSecretPatternsTogether(patterns: readonly SecretPattern[]): string | undefined {
  try {
    compileSecretMasker(patterns.filter(({ pattern }) => checkSecretPattern(pattern) === undefined));
    return undefined;
  } catch (error) {
    return `these patterns cannot be used together: ${(error as Error).message}`;
  }
}

function duplicates<T>(items: T[], key: (item: T) => string, ctx: z.RefinementCtx, path: (i: number) => (string | number)[], what: string) {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) ctx.addIssue({ code: "custom", path: path(i), message: `duplicate ${what} ${JSON.stringify(k)} (first at index ${seen.get(k)})` });
    else seen.set(k, i);
  });
}

/** Cross-references the schema alone cannot see: unique names, known groups and subjects. */
function checkReferences(config: GatewayConfig, ctx: z.RefinementCtx) {
  const groups = new Set(config.consumer_groups.map((g) => g.name));
  const usernames = new Set(config.consumers.map((c) => c.username));
  duplicates(
    config.consumer_groups,
    (g) => g.name,
    ctx,
    (i) => ["consumer_groups", i, "name"],
    "group",
  );
  duplicates(
    config.consumers,
    (c) => c.username,
    ctx,
    (i) => ["consumers", i, "username"],
    "username",
  );
  duplicates(
    config.servers,
    (s) => s.name,
    ctx,
    (i) => ["servers", i, "name"],
    "server name",
  );
  duplicates(
    config.servers,
    (s) => s.path.toLowerCase(),
    ctx,
    (i) => ["servers", i, "path"],
    "route path",
  );
  const customIds = config.consumers.flatMap((c, i) => (c.custom_id ? [{ id: c.custom_id, i }] : []));
  duplicates(
    customIds,
    (c) => c.id,
    ctx,
    (i) => ["consumers", customIds[i]!.i, "custom_id"],
    "custom_id",
  );

  config.consumers.forEach((consumer, i) => {
    consumer.groups.forEach((group, j) => {
      if (!groups.has(group)) ctx.addIssue({ code: "custom", path: ["consumers", i, "groups", j], message: `unknown consumer group "${group}"` });
    });
  });

  config.servers.forEach((server, i) => {
    const checkRule = (rule: AclRuleConfig, path: (string | number)[]) => {
      for (const list of ["allow", "deny"] as const) {
        rule[list]?.forEach((subject, j) => {
          if (subject !== "*" && !groups.has(subject) && !usernames.has(subject)) {
            ctx.addIssue({ code: "custom", path: [...path, list, j], message: `"${subject}" is neither a consumer group nor a consumer` });
          }
        });
      }
    };
    const checkRequirement = (rule: AclRuleConfig, path: (string | number)[]) => {
      if (rule.require === undefined) return;
      rule.require.for.forEach((subject, j) => {
        if (subject !== "*" && !groups.has(subject) && !usernames.has(subject)) {
          ctx.addIssue({ code: "custom", path: [...path, "require", "for", j], message: `"${subject}" is neither a consumer group nor a consumer` });
        }
      });
      rule.require.approvers?.forEach((group, j) => {
        if (!groups.has(group)) ctx.addIssue({ code: "custom", path: [...path, "require", "approvers", j], message: `unknown consumer group "${group}"` });
      });
      if (rule.require.when === undefined) return;
      const compiled = compileCondition(rule.require.when);
      if (!compiled.ok) ctx.addIssue({ code: "custom", path: [...path, "require", "when"], message: compiled.problem });
    };
    checkRule(server.acl.default, ["servers", i, "acl", "default"]);
    checkCondition(server.acl.default, ["servers", i, "acl", "default"], ctx);
    checkRequirement(server.acl.default, ["servers", i, "acl", "default"]);
    server.acl.tools.forEach((rule, j) => checkCondition(rule, ["servers", i, "acl", "tools", j], ctx));
    server.acl.tools.forEach((rule, j) => checkRule(rule, ["servers", i, "acl", "tools", j]));
    server.acl.tools.forEach((rule, j) => checkRequirement(rule, ["servers", i, "acl", "tools", j]));
    duplicates(
      server.acl.tools,
      (t) => t.name.toLowerCase(),
      ctx,
      (j) => ["servers", i, "acl", "tools", j, "name"],
      "tool rule",
    );
    server.limits.forEach((limit, j) => {
      if (limit.subject !== "*" && !groups.has(limit.subject) && !usernames.has(limit.subject)) {
        ctx.addIssue({ code: "custom", path: ["servers", i, "limits", j, "subject"], message: `"${limit.subject}" is neither a consumer group nor a consumer` });
      }
    });
    duplicates(
      server.limits,
      // Tool names match case-insensitively (as the ACL's): Create_Issue and create_issue are one budget.
      (l) => `${l.subject} × ${l.tool.toLowerCase()}`,
      ctx,
      (j) => ["servers", i, "limits", j],
      "limit for",
    );
    if (server.auth.mode === "token_swap" || (server.auth.mode === "passthrough" && server.auth.identity === "token")) {
      const fallback = server.auth.unknown_consumer ?? "reject";
      if (fallback !== "reject" && !usernames.has(fallback)) {
        ctx.addIssue({ code: "custom", path: ["servers", i, "auth", "unknown_consumer"], message: `"${fallback}" is not a consumer (use "reject" or a consumer's username)` });
      }
    }
  });
}

/** A rule's condition compiles, and its message has a condition to go with. */
function checkCondition(rule: AclRuleConfig, path: (string | number)[], ctx: z.RefinementCtx) {
  if (rule.when === undefined) {
    if (rule.message !== undefined) ctx.addIssue({ code: "custom", path: [...path, "message"], message: "a message is what a caller refused by `when` is told: it needs `when`" });
    return;
  }
  const compiled = compileCondition(rule.when);
  if (!compiled.ok) ctx.addIssue({ code: "custom", path: [...path, "when"], message: compiled.problem });
}

export type ConfigPath = readonly PropertyKey[];

/** `servers[1].acl.tools[3].allow` */
export function formatConfigPath(path: ConfigPath): string {
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`)).join("") || "(root)";
}

/** `servers[1].acl.tools[3].allow: expected array` — one line per problem. */
export function formatConfigIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatConfigPath(issue.path)}: ${issue.message}`);
}

export type ConfigParseResult = { ok: true; config: GatewayConfig } | { ok: false; problems: string[] };

export function parseConfig(document: unknown): ConfigParseResult {
  const result = configSchema.safeParse(document);
  return result.success ? { ok: true, config: result.data } : { ok: false, problems: formatConfigIssues(result.error) };
}
