// An MCP server as the console edits it: exactly the config's `serverSchema`
// fields (lib/core/config/schema.ts, so a stored server always compiles into a
// valid gateway config) minus the ACL, which the access matrix edits on its
// own page, minus `passthrough_credentials`, which the console leaves at
// its safe default, and minus the catalogue's change control (`tool_changes`,
// `new_tools`, the pins in `tools`), which the console does not edit yet
// (servers it compiles keep today's behaviour, allow/allow). On top, one console rule: credentials are stored as vault
// references, never as plain text in the database or the activity log.
import { z } from "zod";
import { serverSchema } from "../../core/config/schema";
import { findVaultReferences, VAULT_REFERENCE_PATTERN } from "../../core/vault/reference";

const { acl: _acl, passthrough_credentials: _passthroughCredentials, tool_changes: _toolChanges, new_tools: _newTools, tools: _pins, ...fields } = serverSchema.shape;

/** Header names whose values are credentials. */
const SENSITIVE_HEADER = /^(authorization|proxy-authorization|cookie)$|token|secret|password|api-?key|credential/i;

export const serverInputSchema = z.strictObject(fields).superRefine((server, ctx) => {
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
});

export type ServerInput = z.input<typeof serverInputSchema>;
export type ServerSettings = z.infer<typeof serverInputSchema>;
