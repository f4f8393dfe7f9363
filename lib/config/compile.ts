// The console's database state → the gateway configuration document, the
// same shape users write by hand (lib/core/config/schema.ts). Pure and
// deterministic: every list is sorted by name, so the same state always gives
// the same canonical JSON and hash. Secrets stay vault references or
// ciphertexts; API keys are hashes only.
import { matrixToAcl, DEFAULT_ROW, type AclMatrix, type Effect } from "../acl/matrix";
import type { AuthorizationServerConfig, GatewayConfigInput, LimitRuleConfig } from "../core/config/schema";

export interface AclRuleRow {
  toolName: string;
  /** Group name (for group cells) or consumer username (for consumer cells). */
  subject: string;
  effect: Effect;
}

export interface ServerSnapshot {
  name: string;
  path: string;
  upstreamUrl: string;
  authMode: "passthrough" | "token_swap" | "sign_in";
  /** The config's `auth` object as stored by the console (with or without `mode`). */
  authSettings: Record<string, unknown>;
  upstreamHeaders: Record<string, string>;
  passthroughCredentials?: boolean;
  corsOrigins: string[];
  timeoutMs: number;
  toolChanges: "hold" | "allow";
  newTools: "hold" | "allow";
  /** The approved catalogue: each tool's pin. */
  pins: { name: string; pin: string }[];
  groupRules: AclRuleRow[];
  consumerRules: AclRuleRow[];
  othersRules: { toolName: string; effect: Effect }[];
  /** The config's limits: subject is a group name, a consumer's username or "*". */
  limits: LimitRuleConfig[];
}

export interface ConsumerSnapshot {
  username: string;
  customId: string | null;
  groups: string[];
  keys: { id: string; name: string; hash: string; expiresAt: Date | null }[];
}

export interface ConfigSnapshot {
  publicUrl?: string;
  groups: { name: string; description: string }[];
  consumers: ConsumerSnapshot[];
  servers: ServerSnapshot[];
  secrets: { name: string; ciphertext: string }[];
  /** The console's authorization server, when a sign_in route needs it. */
  authorizationServer?: AuthorizationServerConfig;
  /** HashiCorp Vault settings as stored by the console (the config's `vault.hcv` shape). */
  hcv?: NonNullable<GatewayConfigInput["vault"]>["hcv"];
}

const byName =
  <T>(key: (item: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

export function serverMatrix(server: Pick<ServerSnapshot, "groupRules" | "consumerRules" | "othersRules">, groups: string[]): AclMatrix {
  const matrix: AclMatrix = { groups, defaultRow: { groups: {}, others: "inherit" }, tools: {} };
  const row = (tool: string) => {
    if (tool === DEFAULT_ROW) return matrix.defaultRow;
    return (matrix.tools[tool] ??= { groups: {}, others: "inherit" });
  };
  for (const rule of server.groupRules) row(rule.toolName).groups[rule.subject] = rule.effect;
  for (const rule of server.othersRules) row(rule.toolName).others = rule.effect;
  for (const rule of server.consumerRules) (row(rule.toolName).consumers ??= {})[rule.subject] = rule.effect;
  return matrix;
}

type ServerInput = NonNullable<GatewayConfigInput["servers"]>[number];

function compileServer(server: ServerSnapshot, groups: string[]): ServerInput {
  // The server's upstream_credential rides with the auth settings in the console's storage.
  const { mode: _mode, passthrough_credentials: _passthrough, upstream_credential, ...settings } = server.authSettings;
  return {
    name: server.name,
    path: server.path,
    upstream: server.upstreamUrl,
    // The console validated the settings against the same schema when it stored them.
    auth: { mode: server.authMode, ...settings } as ServerInput["auth"],
    upstream_headers: Object.fromEntries(Object.entries(server.upstreamHeaders).sort(([a], [b]) => (a < b ? -1 : 1))),
    ...(upstream_credential ? { upstream_credential: upstream_credential as ServerInput["upstream_credential"] } : {}),
    ...(server.authMode === "token_swap" && server.passthroughCredentials ? { passthrough_credentials: true } : {}),
    timeout_ms: server.timeoutMs,
    cors: { origins: [...server.corsOrigins].sort() },
    tool_changes: server.toolChanges,
    new_tools: server.newTools,
    tools: [...server.pins].sort(byName((t) => t.name)).map((t) => ({ name: t.name, pin: t.pin })),
    acl: matrixToAcl(serverMatrix(server, groups)),
    limits: [...server.limits].sort(byName((l) => `${l.subject}\u0000${l.tool}`)).map(compileLimit),
  };
}

/** Only the budgets a rule sets, in the schema's order. */
function compileLimit(limit: LimitRuleConfig): LimitRuleConfig {
  const { subject, tool, per_minute, per_hour, per_day, concurrent } = limit;
  return {
    subject,
    tool,
    ...(per_minute === undefined ? {} : { per_minute }),
    ...(per_hour === undefined ? {} : { per_hour }),
    ...(per_day === undefined ? {} : { per_day }),
    ...(concurrent === undefined ? {} : { concurrent }),
  };
}

export function compileConfig(snapshot: ConfigSnapshot): GatewayConfigInput {
  const groups = snapshot.groups.map((g) => g.name).sort();
  return {
    version: 1,
    gateway: snapshot.publicUrl ? { public_url: snapshot.publicUrl } : {},
    consumer_groups: [...snapshot.groups].sort(byName((g) => g.name)).map((g) => (g.description ? { name: g.name, description: g.description } : { name: g.name })),
    consumers: [...snapshot.consumers].sort(byName((c) => c.username)).map((consumer) => ({
      username: consumer.username,
      ...(consumer.customId ? { custom_id: consumer.customId } : {}),
      groups: [...consumer.groups].sort(),
      keys: [...consumer.keys]
        .sort(byName((k) => k.id))
        .map((key) => ({ id: key.id, name: key.name, hash: key.hash, ...(key.expiresAt ? { expires_at: key.expiresAt.toISOString() } : {}) })),
    })),
    servers: [...snapshot.servers].sort(byName((s) => s.name)).map((server) => compileServer(server, groups)),
    vault: {
      portcullis: Object.fromEntries([...snapshot.secrets].sort(byName((s) => s.name)).map((s) => [s.name, s.ciphertext])),
      ...(snapshot.hcv ? { hcv: snapshot.hcv } : {}),
    },
    ...(snapshot.authorizationServer
      ? { authorization_server: { issuer: snapshot.authorizationServer.issuer, jwks: { keys: [...snapshot.authorizationServer.jwks.keys].sort(byName((k) => k.kid)) } } }
      : {}),
  };
}
