// The console's database state → the gateway configuration document, the
// same shape users write by hand (lib/core/config/schema.ts). Pure and
// deterministic: every list is sorted by name, so the same state always gives
// the same canonical JSON and hash. Secrets stay vault references or
// ciphertexts; API keys are hashes only.
import { DEFAULT_ROW, type AclMatrix, type Effect } from "../acl/matrix";
import { aclOf, conditionProblems, type RuleSettings, type StoredCondition } from "../acl/rule-settings";
import type { AclRuleConfig, AuthorizationServerConfig, GatewayConfigInput, LimitRuleConfig } from "../core/config/schema";
import type { ConfigIssue } from "../core/config/validate";

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
  /** Confirmation or approval steps: a tool's, or the default row's (toolName "*"). */
  requirements?: RequirementRow[];
  /** What tools annotated destructiveHint: true need when they have no requirement of their own. */
  destructive?: { action: "allow" | "confirm" | "approve"; approvers: string[] };
  /** Tools the last sync listed with annotations.destructiveHint true. */
  destructiveTools?: string[];
  /** CEL conditions on rules; toolName "*" is the default rule. */
  conditions?: (StoredCondition & { toolName: string })[];
  /** Argument paths recorded as a hash, per tool. */
  redactions?: { toolName: string; paths: string[] }[];
  resultRedaction?: "off" | "secrets";
  auditArguments?: boolean;
}

export interface RequirementRow {
  toolName: string;
  action: "confirm" | "approve";
  subjects: string[];
  condition: string | null;
  approvers: string[];
  selfApproval: boolean;
  expiresSeconds: number;
  waitSeconds: number;
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
  /** Credential formats masked besides the built-in ones (the settings page). */
  secretPatterns?: { name: string; pattern: string }[];
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

export function serverRuleSettings(server: Pick<ServerSnapshot, "conditions" | "redactions">): RuleSettings {
  return {
    conditions: Object.fromEntries((server.conditions ?? []).map(({ toolName, ...condition }) => [toolName, condition])),
    redactions: Object.fromEntries((server.redactions ?? []).map((r) => [r.toolName, r.paths])),
  };
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
    ...(upstream_credential ? { upstream_credential: upstream_credential } : {}),
    ...(server.authMode === "token_swap" && server.passthroughCredentials ? { passthrough_credentials: true } : {}),
    timeout_ms: server.timeoutMs,
    cors: { origins: [...server.corsOrigins].sort() },
    tool_changes: server.toolChanges,
    new_tools: server.newTools,
    tools: [...server.pins].sort(byName((t) => t.name)).map((t) => ({ name: t.name, pin: t.pin })),
    acl: compileAcl(server, groups),
    limits: [...server.limits].sort(byName((l) => `${l.subject}\u0000${l.tool}`)).map(compileLimit),
    // Only when set, so a server without them compiles as it always did (same document, same hash).
    ...(server.resultRedaction === "secrets" ? { result_redaction: "secrets" as const } : {}),
    ...(server.auditArguments ? { audit_arguments: true } : {}),
  };
}

type RequireConfig = NonNullable<AclRuleConfig["require"]>;

/** Only what differs from the schema's defaults, so a plain approval reads as one. */
export function compileRequirement(row: Omit<RequirementRow, "toolName">): RequireConfig {
  return {
    action: row.action,
    ...(row.subjects.length === 1 && row.subjects[0] === "*" ? {} : { for: [...row.subjects].sort() }),
    ...(row.condition ? { when: row.condition } : {}),
    ...(row.action === "approve" ? { approvers: [...row.approvers].sort() } : {}),
    ...(row.action === "approve" && row.selfApproval ? { self_approval: true } : {}),
    ...(row.expiresSeconds === 900 ? {} : { expires_seconds: row.expiresSeconds }),
    ...(row.waitSeconds === 0 ? {} : { wait_seconds: row.waitSeconds }),
  } as RequireConfig;
}

/**
 * The matrix's rules with their conditions and redactions, then each requirement on its rule. A tool that needs a step
 * but has no rule of its own gets one that decides exactly as the default rule does (names and condition), carrying the step. A tool
 * annotated destructiveHint: true with no requirement of its own gets the server's destructive default, whatever
 * the default row requires: the tool said it destroys, the server's setting says what that needs.
 */
function compileAcl(server: ServerSnapshot, groups: string[]) {
  const acl = aclOf(serverMatrix(server, groups), serverRuleSettings(server));
  const inherited = acl.default;
  const steps = new Map<string, RequireConfig>();
  const destructive = server.destructive ?? { action: "allow", approvers: [] };
  if (destructive.action !== "allow") {
    const step = compileRequirement({
      action: destructive.action,
      subjects: ["*"],
      condition: null,
      approvers: destructive.approvers,
      selfApproval: false,
      expiresSeconds: 900,
      waitSeconds: 0,
    });
    for (const tool of server.destructiveTools ?? []) steps.set(tool, step);
  }
  for (const { toolName, ...row } of server.requirements ?? []) {
    if (toolName === DEFAULT_ROW) acl.default = { ...acl.default, require: compileRequirement(row) };
    else steps.set(toolName, compileRequirement(row));
  }
  if (steps.size === 0) return acl;
  const rules = new Map(acl.tools.map((rule) => [rule.name, rule]));
  for (const [name, require] of steps) rules.set(name, { ...(rules.get(name) ?? { ...inherited, name }), require });
  return { ...acl, tools: [...rules.values()].sort(byName((r) => r.name)) };
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
    ...(snapshot.secretPatterns?.length ? { secret_patterns: [...snapshot.secretPatterns].sort(byName((p) => p.name)) } : {}),
    ...(snapshot.authorizationServer ? { authorization_server: compileAuthorizationServer(snapshot.authorizationServer) } : {}),
  };
}

function compileAuthorizationServer(section: AuthorizationServerConfig): NonNullable<GatewayConfigInput["authorization_server"]> {
  const blocked = [...new Set(section.blocked_clients)].sort();
  return {
    issuer: section.issuer,
    jwks: { keys: [...section.jwks.keys].sort(byName((k) => k.kid)) },
    // Written only when a client is blocked, so documents without any keep their hash.
    ...(blocked.length ? { blocked_clients: blocked } : {}),
  };
}

/**
 * What the console refuses beyond the gateway's own validation: a condition
 * its rule cannot carry (lib/acl/rule-settings.ts), by its path in the
 * document compileConfig gives for the same snapshot.
 */
export function ruleSettingIssues(snapshot: ConfigSnapshot): ConfigIssue[] {
  const groups = snapshot.groups.map((g) => g.name).sort();
  return [...snapshot.servers].sort(byName((s) => s.name)).flatMap((server, i) => {
    const settings = serverRuleSettings(server);
    const problems = conditionProblems(serverMatrix(server, groups), settings);
    if (problems.length === 0) return [];
    const tools = compileAcl(server, groups).tools.map((t) => t.name);
    return problems.map(({ tool, problem }) => ({
      path: tool === DEFAULT_ROW ? ["servers", i, "acl", "default", "when"] : ["servers", i, "acl", "tools", tools.indexOf(tool), "when"],
      message: problem,
    }));
  });
}
