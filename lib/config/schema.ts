// The gateway configuration document: what users write by hand (YAML or
// JSON), what the console compiles its database into, and what the gateway
// validates before it serves a single request. Names are a public contract:
// extend, never rename.
import { z } from "zod";
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

export const aclRuleSchema = z.strictObject({
  allow: z.array(subject).optional(),
  deny: z.array(subject).optional(),
});

export const toolRuleSchema = aclRuleSchema.extend({ name: toolName });

export const aclSchema = z.strictObject({
  /** Decides every tool that has no rule of its own under `tools`. */
  default: aclRuleSchema.default({}),
  tools: z.array(toolRuleSchema).default([]),
});

const passthroughAuthSchema = z.strictObject({
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
});

const introspectionSchema = z.strictObject({
  endpoint: httpUrl,
  client_id: z.string().min(1),
  client_secret: secretString.min(1),
  auth_method: z.enum(["client_secret_basic", "client_secret_post"]).default("client_secret_basic"),
});

const tokenSwapAuthSchema = z
  .strictObject({
    mode: z.literal("token_swap"),
    issuer: httpUrl,
    introspection: introspectionSchema.optional(),
    jwks: z.strictObject({ uri: httpUrl }).optional(),
    /** Defaults to the route URL (public_url + path). */
    audience: z.string().min(1).optional(),
    scopes_supported: z.array(z.string().min(1)).default([]),
    required_scopes: z.array(z.string().min(1)).default([]),
    consumer_claim: z.string().min(1).default("sub"),
    consumer_by: z.enum(["username", "custom_id"]).default("username"),
    consumer_groups_claim: z.string().min(1).optional(),
    /** "reject", or the username of the consumer that unknown users act as. */
    unknown_consumer: z.string().min(1).default("reject"),
    /** Introspection and JWKS requests that take longer fail closed (503). */
    idp_timeout_ms: z.number().int().min(100).max(60_000).default(5_000),
  })
  .refine((a) => a.introspection || a.jwks, { message: "token_swap needs `introspection` or `jwks` to validate tokens", path: ["introspection"] });

const serverFields = {
  name,
  path: routePath,
  upstream: httpUrl,
  auth: z.discriminatedUnion("mode", [passthroughAuthSchema, tokenSwapAuthSchema]),
  /** Added to every upstream request; values may hold vault references. */
  upstream_headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, "a header name uses letters, digits and '-'"), secretString).default({}),
  /** token_swap only: forward the caller's token instead of removing it (the less safe choice). */
  passthrough_credentials: z.boolean().default(false),
  timeout_ms: z.number().int().min(100).max(3_600_000).default(60_000),
  cors: z.strictObject({ origins: z.array(z.union([z.literal("*"), z.url()])).default([]) }).default({ origins: [] }),
  acl: aclSchema.default({ default: {}, tools: [] }),
};

/**
 * Rules across a server's fields. Exported so that the console's server form,
 * which edits a subset of the fields, applies the very same rules.
 */
export function checkServerRules(server: { auth: { mode: string }; upstream_headers: Record<string, string>; passthrough_credentials?: boolean }, ctx: z.RefinementCtx): void {
  if (server.auth.mode !== "passthrough") return;
  if (server.passthrough_credentials) {
    ctx.addIssue({
      code: "custom",
      path: ["passthrough_credentials"],
      message: "passthrough_credentials only applies to token_swap routes (passthrough routes always forward the token)",
    });
  }
  for (const header of Object.keys(server.upstream_headers)) {
    if (header.toLowerCase() !== "authorization") continue;
    ctx.addIssue({
      code: "custom",
      path: ["upstream_headers", header],
      message: `${header} carries a credential the caller brings on a passthrough route (their upstream token, forwarded untouched), so it cannot be set here; use token swap to send a stored credential`,
    });
  }
}

export const serverSchema = z.strictObject(serverFields).superRefine(checkServerRules);

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

export const configSchema = z
  .strictObject({
    version: z.literal(1),
    gateway: z
      .strictObject({
        /** Public base URL of the gateway, used in PRM `resource` and WWW-Authenticate. Defaults to the request's own origin. */
        public_url: httpUrl.optional(),
        max_body_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
        /** An SSE stream with nothing to send gets a comment line this often, so idle streams are not cut. */
        sse_keepalive_ms: z.number().int().min(100).max(300_000).default(15_000),
      })
      .default({ max_body_bytes: 1024 * 1024, sse_keepalive_ms: 15_000 }),
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
  })
  .superRefine(checkReferences);

export type GatewayConfig = z.infer<typeof configSchema>;
export type GatewayConfigInput = z.input<typeof configSchema>;
export type ServerConfig = GatewayConfig["servers"][number];
export type ConsumerConfig = GatewayConfig["consumers"][number];
export type AclConfig = z.infer<typeof aclSchema>;
export type AclRuleConfig = z.infer<typeof aclRuleSchema>;

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
  duplicates(config.consumer_groups, (g) => g.name, ctx, (i) => ["consumer_groups", i, "name"], "group");
  duplicates(config.consumers, (c) => c.username, ctx, (i) => ["consumers", i, "username"], "username");
  duplicates(config.servers, (s) => s.name, ctx, (i) => ["servers", i, "name"], "server name");
  duplicates(config.servers, (s) => s.path.toLowerCase(), ctx, (i) => ["servers", i, "path"], "route path");
  const customIds = config.consumers.flatMap((c, i) => (c.custom_id ? [{ id: c.custom_id, i }] : []));
  duplicates(customIds, (c) => c.id, ctx, (i) => ["consumers", customIds[i]!.i, "custom_id"], "custom_id");

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
    checkRule(server.acl.default, ["servers", i, "acl", "default"]);
    server.acl.tools.forEach((rule, j) => checkRule(rule, ["servers", i, "acl", "tools", j]));
    duplicates(server.acl.tools, (t) => t.name.toLowerCase(), ctx, (j) => ["servers", i, "acl", "tools", j, "name"], "tool rule");
    if (server.auth.mode === "token_swap") {
      const fallback = server.auth.unknown_consumer;
      if (fallback !== "reject" && !usernames.has(fallback)) {
        ctx.addIssue({ code: "custom", path: ["servers", i, "auth", "unknown_consumer"], message: `"${fallback}" is not a consumer (use "reject" or a consumer's username)` });
      }
    }
  });
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
