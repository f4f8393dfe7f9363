// An MCP server as the console edits it: exactly the config's `serverSchema`
// fields and cross-field rules (lib/config/schema.ts) minus the ACL, which the
// access matrix edits on its own page, and minus `passthrough_credentials`,
// which the console leaves at its safe default. On top, one console rule:
// credentials are stored as vault references, never as plain text in the
// database or the activity log. What one server cannot show (names, the
// gateway's deployment rules) is checked on the whole compiled configuration
// when it is saved (lib/controlplane/config-check.ts).
import { z } from "zod";
import { checkServerRules, serverSchema } from "../../config/schema";
import { findVaultReferences, VAULT_REFERENCE_PATTERN } from "../../vault/reference";

const { acl: _acl, passthrough_credentials: _passthroughCredentials, ...fields } = serverSchema.shape;

/** Header names whose values are credentials. */
const SENSITIVE_HEADER = /^(authorization|proxy-authorization|cookie)$|token|secret|password|api-?key|credential/i;

function checkConsoleServerRules(server: z.infer<z.ZodObject<typeof fields>>, ctx: z.RefinementCtx) {
  checkServerRules(server, ctx);
  if (server.auth.mode === "token_swap" && server.auth.introspection && !VAULT_REFERENCE_PATTERN.test(server.auth.introspection.client_secret)) {
    ctx.addIssue({
      code: "custom",
      path: ["auth", "introspection", "client_secret"],
      message: "store the client secret in the vault and enter its reference, e.g. {vault://portcullis/idp-client-secret}",
    });
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

export const serverInputSchema = z.strictObject(fields).superRefine(checkConsoleServerRules);

/**
 * A new server denies every tool to everyone until an admin opens tools in the
 * matrix, unless it starts with a copy of another server's access.
 */
export const serverCreateSchema = z.strictObject({ ...fields, copy_access_from: z.uuid("pick a server to copy access from").optional() }).superRefine(checkConsoleServerRules);

export type ServerInput = z.input<typeof serverInputSchema>;
export type ServerSettings = z.infer<typeof serverInputSchema>;
export type ServerCreate = z.infer<typeof serverCreateSchema>;
