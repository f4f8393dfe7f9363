// The configuration the demo seeds: the recipe's servers in front of the
// stand-ins — GitHub twice, with Sign in with Portcullis (each user's own
// GitHub token, held by the console) and with passthrough (each client its own
// OAuth app) — with the recipe's groups, consumers and ACL table, and a server
// speaking MCP 2026-07-28 whose credential is an RFC 8693 token exchange — as
// one gateway configuration document, the same shape an admin would import.
// The GitHub OAuth app the console connects users with is a console setting
// beside it (githubUpstreamAccount).
import type { GatewayConfigInput } from "../lib/core/config/schema";
import { GITHUB_SCOPES } from "./github/github-stand-in";

export const DEMO_KEYS = { admin: "admin-api-key", developer: "dev-api-key" } as const;

/** The recipe's ACL table for GitHub: developers may use exactly these read tools; everything else is denied to them. */
export const DEVELOPER_GITHUB_TOOLS = ["search_repositories", "get_file_contents", "list_issues", "list_pull_requests", "search_users", "search_code"] as const;

/** The 2026-07-28 reference server: developers may not push; its input_required tool (delete_branch) asks before it runs. */
export const DEVELOPER_DENIED_REFERENCE_TOOLS = ["push_files"] as const;

export const VAULT_NAMES = {
  konnectToken: "konnect-token",
  introspectionSecret: "idp-introspection-secret",
  exchangeSecret: "idp-exchange-secret",
  githubClientSecret: "github-client-secret",
} as const;
export const KONNECT_VAULT_REFERENCE = `{vault://portcullis/${VAULT_NAMES.konnectToken}}`;

/** The Sign in with Portcullis route to GitHub: the route, and the console's server holding its upstream account setting. */
export const GITHUB_SIGN_IN = { server: "github-signin", path: "/github-signin-mcp" } as const;

/** The recipe's ACL table for GitHub, the same on both of its routes. */
const githubAcl = {
  default: { allow: ["admin"], deny: ["developer"] },
  tools: DEVELOPER_GITHUB_TOOLS.map((name) => ({ name, allow: ["admin", "developer"] })),
};

export interface RecipeInput {
  /** The gateway's public base URL (PRM `resource`, token audience). */
  publicUrl: string;
  github: { mcpUrl: string; prmUrl: string };
  konnect: { mcpUrl: string };
  reference: { mcpUrl: string };
  idp: {
    issuer: string;
    introspectionEndpoint: string;
    tokenEndpoint: string;
    introspectionClientId: string;
    exchangeClientId: string;
    user: { sub: string; email: string };
  };
  /** Ciphertexts of the built-in vault (encryptSecret with the master key). */
  vault: Record<(typeof VAULT_NAMES)[keyof typeof VAULT_NAMES], string>;
}

/** Token swap against the organisation's IdP: tokens introspected, `sub` names the consumer by custom id, `groups` adds groups. */
function idpAuth(input: RecipeInput) {
  return {
    mode: "token_swap" as const,
    issuer: input.idp.issuer,
    introspection: {
      endpoint: input.idp.introspectionEndpoint,
      client_id: input.idp.introspectionClientId,
      client_secret: `{vault://portcullis/${VAULT_NAMES.introspectionSecret}}`,
    },
    scopes_supported: ["mcp"],
    required_scopes: ["mcp"],
    consumer_claim: "sub",
    consumer_by: "custom_id" as const,
    consumer_groups_claim: "groups",
    unknown_consumer: "reject" as const,
  };
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
      // The same person signing in with Portcullis: the consumer is named by their email, its groups are their IdP groups at
      // each sign-in. Sign-in would create it; listed here, so that re-seeding after a sign-in changes nothing.
      { username: input.idp.user.email, groups: ["developer"] },
    ],
    servers: [
      {
        name: "github",
        path: "/github-mcp",
        upstream: input.github.mcpUrl,
        auth: { mode: "passthrough", key_header: "apikey", upstream_prm: input.github.prmUrl },
        acl: githubAcl,
      },
      {
        name: GITHUB_SIGN_IN.server,
        path: GITHUB_SIGN_IN.path,
        upstream: input.github.mcpUrl,
        // Portcullis is the clients' authorization server; the user signs in with the organisation's IdP (the console's single sign-on).
        auth: { mode: "sign_in" },
        // GitHub gets the user's own token, from the connection the console holds for them (githubUpstreamAccount).
        upstream_credential: { per_user: { header: "Authorization", scheme: "Bearer" } },
        acl: githubAcl,
      },
      {
        name: "konnect",
        path: "/konnect-mcp",
        upstream: input.konnect.mcpUrl,
        auth: idpAuth(input),
        upstream_headers: { Authorization: `Bearer ${KONNECT_VAULT_REFERENCE}` },
        acl: { default: { allow: ["admin", "developer"] }, tools: [] },
      },
      {
        name: "reference",
        path: "/reference-mcp",
        upstream: input.reference.mcpUrl,
        auth: idpAuth(input),
        // The upstream trusts the organisation's IdP: the user's token is exchanged for one issued to it, naming the user.
        upstream_credential: {
          token_exchange: {
            endpoint: input.idp.tokenEndpoint,
            client_id: input.idp.exchangeClientId,
            client_secret: `{vault://portcullis/${VAULT_NAMES.exchangeSecret}}`,
            resource: input.reference.mcpUrl,
            scope: "mcp",
          },
        },
        acl: {
          default: { allow: ["admin", "developer"] },
          tools: DEVELOPER_DENIED_REFERENCE_TOOLS.map((name) => ({ name, allow: ["admin"], deny: ["developer"] })),
        },
      },
    ],
    vault: { portcullis: input.vault },
  };
}

/** The console's upstream account setting of the sign-in route: the GitHub OAuth app each user consents to once (PUT /api/servers/:id/upstream-account). */
export function githubUpstreamAccount(github: { authorizationServer: string; clientId: string }) {
  return {
    account: {
      kind: "oauth" as const,
      authorize_url: `${github.authorizationServer}/authorize`,
      token_url: `${github.authorizationServer}/access_token`,
      client_id: github.clientId,
      client_secret: `{vault://portcullis/${VAULT_NAMES.githubClientSecret}}`,
      scopes: GITHUB_SCOPES,
      revocation_url: `${github.authorizationServer}/revoke`,
    },
    header: "Authorization",
    scheme: "Bearer",
  };
}
