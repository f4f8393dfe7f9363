// The configuration the demo seeds: the recipe's two servers in front of the
// stand-ins, with the recipe's groups, consumers and ACL table — as one
// gateway configuration document, the same shape an admin would import.
import type { GatewayConfigInput } from "../lib/core/config/schema";

export const DEMO_KEYS = { admin: "admin-api-key", developer: "dev-api-key" } as const;

/** The recipe's ACL table for GitHub: developers may use exactly these read tools; everything else is denied to them. */
export const DEVELOPER_GITHUB_TOOLS = ["search_repositories", "get_file_contents", "list_issues", "list_pull_requests", "search_users", "search_code"] as const;

export const VAULT_NAMES = { konnectToken: "konnect-token", introspectionSecret: "idp-introspection-secret" } as const;
export const KONNECT_VAULT_REFERENCE = `{vault://portcullis/${VAULT_NAMES.konnectToken}}`;

export interface RecipeInput {
  /** The gateway's public base URL (PRM `resource`, token audience). */
  publicUrl: string;
  github: { mcpUrl: string; prmUrl: string };
  konnect: { mcpUrl: string };
  idp: { issuer: string; introspectionEndpoint: string; introspectionClientId: string; user: { sub: string } };
  /** Ciphertexts of the built-in vault (encryptSecret with the master key). */
  vault: Record<(typeof VAULT_NAMES)[keyof typeof VAULT_NAMES], string>;
}

export function recipeConfiguration(input: RecipeInput): GatewayConfigInput {
  return {
    version: 1,
    gateway: { public_url: input.publicUrl },
    consumer_groups: [
      { name: "admin", description: "Platform team: every tool" },
      { name: "developer", description: "Engineers: read-only GitHub tools, Konnect" },
    ],
    consumers: [
      { username: "admin-user", groups: ["admin"], keys: [{ key: DEMO_KEYS.admin, name: "demo key" }] },
      // The IdP's user maps to this consumer on the Konnect route (consumer_by: custom_id).
      { username: "dev-user", custom_id: input.idp.user.sub, groups: ["developer"], keys: [{ key: DEMO_KEYS.developer, name: "demo key" }] },
    ],
    servers: [
      {
        name: "github",
        path: "/github-mcp",
        upstream: input.github.mcpUrl,
        auth: { mode: "passthrough", key_header: "apikey", upstream_prm: input.github.prmUrl },
        acl: {
          default: { allow: ["admin"], deny: ["developer"] },
          tools: DEVELOPER_GITHUB_TOOLS.map((name) => ({ name, allow: ["admin", "developer"] })),
        },
      },
      {
        name: "konnect",
        path: "/konnect-mcp",
        upstream: input.konnect.mcpUrl,
        auth: {
          mode: "token_swap",
          issuer: input.idp.issuer,
          introspection: {
            endpoint: input.idp.introspectionEndpoint,
            client_id: input.idp.introspectionClientId,
            client_secret: `{vault://portcullis/${VAULT_NAMES.introspectionSecret}}`,
          },
          scopes_supported: ["mcp"],
          required_scopes: ["mcp"],
          consumer_claim: "sub",
          consumer_by: "custom_id",
          consumer_groups_claim: "groups",
          unknown_consumer: "reject",
        },
        upstream_headers: { Authorization: `Bearer ${KONNECT_VAULT_REFERENCE}` },
        acl: { default: { allow: ["admin", "developer"] }, tools: [] },
      },
    ],
    vault: { portcullis: input.vault },
  };
}
