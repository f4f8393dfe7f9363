// The one check a configuration document passes before a gateway serves it:
// the schema, then the rules that depend on how the gateway runs. The gateway
// applies it to every document it loads (gateway/src/config/config-store.ts);
// the console applies it to what each write would publish, inside the write's
// transaction (lib/controlplane/config-check.ts), so that a change the
// gateways would refuse is refused when it is made.
import { configSchema, formatConfigPath, type ConfigPath, type GatewayConfig } from "./schema";

export interface ConfigIssue {
  path: ConfigPath;
  message: string;
}

/** How the gateway runs: `--public-url` / PORTCULLIS_PUBLIC_URL (the console checks with its own, which the bundled gateway shares). */
export interface DeploymentOverrides {
  publicUrl?: string;
}

/** The rules that depend on how the gateway runs and what the console supplies. */
export function deploymentIssues(config: GatewayConfig, overrides: DeploymentOverrides = {}): ConfigIssue[] {
  return [...authorizationServerIssues(config), ...((overrides.publicUrl ?? config.gateway.public_url) ? [] : publicUrlIssues(config))];
}

/**
 * A sign_in route needs the authorization server whose tokens it accepts. The console supplies its
 * own when it compiles (an imported file's is replaced), so the rule is the gateway's, not the schema's.
 */
function authorizationServerIssues(config: GatewayConfig): ConfigIssue[] {
  if (config.authorization_server) return [];
  return config.servers.flatMap((server, i): ConfigIssue[] =>
    server.auth.mode === "sign_in" ? [{ path: ["servers", i, "auth", "mode"], message: "a sign_in route needs `authorization_server` (its issuer and public keys)" }] : [],
  );
}

/**
 * A token_swap route's audience must not come from the request's Host header
 * (a caller could then choose the audience its token is checked against), so
 * it needs `audience` or a public URL. A sign_in route's audience is always its
 * URL, so it needs the public URL.
 */
function publicUrlIssues(config: GatewayConfig): ConfigIssue[] {
  return config.servers.flatMap((server, i): ConfigIssue[] =>
    server.auth.mode === "sign_in"
      ? [
          {
            path: ["servers", i, "auth", "mode"],
            message: "a sign_in route needs a public URL for the gateway (gateway.public_url, or --public-url): its tokens are issued for that URL",
          },
        ]
      : server.auth.mode === "token_swap" && server.auth.audience === undefined
        ? [
            {
              path: ["servers", i, "auth", "audience"],
              message: "set an audience, or a public URL for the gateway (gateway.public_url, or --public-url), so tokens are not checked against the request's Host header",
            },
          ]
        : [],
  );
}

export type ConfigValidation = { ok: true; config: GatewayConfig } | { ok: false; issues: ConfigIssue[]; problems: string[] };

export function validateConfig(document: unknown, overrides: DeploymentOverrides = {}): ConfigValidation {
  const parsed = configSchema.safeParse(document);
  const issues: ConfigIssue[] = parsed.success ? deploymentIssues(parsed.data, overrides) : parsed.error.issues.map(({ path, message }) => ({ path, message }));
  if (parsed.success && issues.length === 0) return { ok: true, config: parsed.data };
  return { ok: false, issues, problems: issues.map((issue) => `${formatConfigPath(issue.path)}: ${issue.message}`) };
}
