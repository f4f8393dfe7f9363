// An MCP server as the console edits it: exactly the config's `serverSchema`
// fields (lib/core/config/schema.ts, so a stored server always compiles into a
// valid gateway config) minus the ACL, which the access matrix edits on its
// own page, minus `passthrough_credentials`, which the console leaves at
// its safe default, minus `limits`, which the console does not edit yet
// (servers it compiles have no limits), and minus the pins in `tools`, which
// approving tools records (lib/console/tools.ts, pending-changes.ts). The
// catalogue policies `tool_changes` and `new_tools` default to `hold` here,
// where the config file defaults to `allow`: a server created in the console
// starts under change control, while hand-written files and servers that
// existed before pins keep today's behaviour. The config's rules
// across fields apply as they are; on top, one console rule: credentials are
// stored as vault references, never as plain text in the database or the
// activity log. What one server cannot show (names, the gateway's deployment
// rules) is checked on the whole compiled configuration when it is saved
// (lib/controlplane/config-check.ts).
import { z } from "zod";
import { checkServerRules, serverSchema } from "../../core/config/schema";
import { findVaultReferences, VAULT_REFERENCE_PATTERN } from "../../core/vault/reference";

const { acl: _acl, passthrough_credentials: _passthroughCredentials, tools: _pins, limits: _limits, ...configFields } = serverSchema.shape;

export const CATALOGUE_POLICIES = ["hold", "allow"] as const;
const cataloguePolicy = z.enum(CATALOGUE_POLICIES, { error: 'either "hold" or "allow"' }).default("hold");
const fields = { ...configFields, tool_changes: cataloguePolicy, new_tools: cataloguePolicy };

/** Header names whose values are credentials. */
const SENSITIVE_HEADER = /^(authorization|proxy-authorization|cookie)$|token|secret|password|api-?key|credential/i;

const serverFieldsSchema = z.strictObject(fields);

/** The client secrets (and the actor token) for the IdP a server holds, by field path. */
export function clientSecrets(server: z.infer<typeof serverFieldsSchema>): { path: string[]; value: string }[] {
  const secrets: { path: string[]; value: string }[] = [];
  const { auth } = server;
  if (auth.mode === "token_swap" && auth.introspection) secrets.push({ path: ["auth", "introspection", "client_secret"], value: auth.introspection.client_secret });
  if (auth.mode === "passthrough" && auth.validate?.introspection)
    secrets.push({ path: ["auth", "validate", "introspection", "client_secret"], value: auth.validate.introspection.client_secret });
  const exchange = server.upstream_credential?.token_exchange;
  if (exchange) secrets.push({ path: ["upstream_credential", "token_exchange", "client_secret"], value: exchange.client_secret });
  if (exchange?.actor_token) secrets.push({ path: ["upstream_credential", "token_exchange", "actor_token"], value: exchange.actor_token });
  return secrets;
}

function checkConsoleServerRules(server: z.infer<typeof serverFieldsSchema>, ctx: z.RefinementCtx) {
  checkServerRules(server, ctx);
  for (const { path, value } of clientSecrets(server)) {
    if (!VAULT_REFERENCE_PATTERN.test(value)) {
      const what = path.at(-1) === "actor_token" ? "actor token" : "client secret";
      ctx.addIssue({ code: "custom", path, message: `store the ${what} in the vault and enter its reference, e.g. {vault://portcullis/idp-${what.replace(" ", "-")}}` });
    }
  }
  for (const [name, value] of Object.entries(server.upstream_headers)) {
    if (SENSITIVE_HEADER.test(name) && findVaultReferences(value).length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["upstream_headers", name],
        message: `${name} carries a credential: store it in the vault and use its reference, e.g. Bearer {vault://portcullis/${name.toLowerCase()}}`,
      });
    }
  }
}

export const serverInputSchema = serverFieldsSchema.superRefine(checkConsoleServerRules);

/**
 * A new server denies every tool to everyone until an admin opens tools in the
 * matrix, unless it starts with a copy of another server's access.
 */
export const serverCreateSchema = z.strictObject({ ...fields, copy_access_from: z.uuid("pick a server to copy access from").optional() }).superRefine(checkConsoleServerRules);

export type ServerInput = z.input<typeof serverInputSchema>;
export type ServerSettings = z.infer<typeof serverInputSchema>;
export type ServerCreate = z.infer<typeof serverCreateSchema>;
