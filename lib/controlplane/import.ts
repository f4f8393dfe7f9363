// The declarative round trip: export the current configuration as the YAML
// file the gateway reads, and import such a file back — validated, previewed
// as a diff of the configuration it would produce, applied only on
// confirmation, recorded in the activity log. A file the gateways would refuse
// (their deployment rules included) is refused at preview and at apply. A rollback to an earlier version
// is an import of that version's document, so the database (and therefore every
// later compile) really returns to it.
import { prepareAuthorizationServer } from "../oauth-server/config-section";
import { revokeAccountsGrants } from "../oauth-server/grants";
import { diffLines } from "diff";
import { isDeepStrictEqual } from "node:util";
import { stringify as toYaml, parse as parseYaml } from "yaml";
import { aclToMatrix, DEFAULT_ROW } from "../acl/matrix";
import type { CurrentUser } from "../auth/session";
import { compileConfig } from "../config/compile";
import { configHash } from "../core/config/canonical";
import { parseConfig, type GatewayConfig } from "../core/config/schema";
import type { Db } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { displayPrefix, hashApiKey } from "../core/keys/api-key";
import { decryptSecret } from "../core/vault/secret-box";
import { recordActivity } from "../console/activity";
import { ConsoleError } from "../console/errors";
import { voidApprovalsOfConsumers } from "./approval-rules";
import { assertConfigAccepted } from "./config-check";
import { hashInputSchema } from "../console/tool-diff";
import { limitRuleColumns } from "./limit-rule-rows";
import { loadConfigSnapshot, SECRET_PATTERNS_SETTING } from "./snapshot";

type Tx = Prisma.TransactionClient;

// An import touches every row of the configuration; Prisma's 5 s default is too short for large ones.
const LONG_TRANSACTION = { timeout: 120_000, maxWait: 10_000 };

export function configToYaml(document: unknown): string {
  return toYaml(document, { lineWidth: 0, sortMapEntries: false });
}

/** Parses YAML or JSON text into a validated config, or throws with every problem listed. */
export function parseConfigText(text: string): GatewayConfig {
  let document: unknown;
  try {
    document = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new ConsoleError("invalid", `The file is not valid YAML or JSON: ${(error as Error).message.split("\n")[0]}`);
  }
  // The console's own authorization server replaces the file's (an export carries it): drop it before checking.
  if (typeof document === "object" && document !== null && "authorization_server" in document) delete (document as { authorization_server?: unknown }).authorization_server;
  const result = parseConfig(document);
  if (!result.ok) throw new ConsoleError("invalid", `The configuration has ${result.problems.length} problem(s):\n${result.problems.join("\n")}`);
  // Redis is where one gateway deployment keeps its counters, not part of what the console publishes to every data plane.
  if (result.config.redis) {
    throw new ConsoleError(
      "invalid",
      "redis: the Redis a gateway shares its rate-limit counters through is that gateway's deployment setting; set PORTCULLIS_REDIS_URL (or redis: in its own configuration file) on each gateway, and remove it from this import.",
    );
  }
  refuseDeploymentSettings(result.config);
  return result.config;
}

// What the console stores of the `gateway:` and `vault:` sections (the public URL; the built-in
// store's secrets and the HashiCorp Vault settings). The rest are settings of a gateway process
// that the console does not publish: a gateway it configures runs with their defaults.
const PUBLISHED: Record<"gateway" | "vault", ReadonlySet<string>> = { gateway: new Set(["public_url"]), vault: new Set(["portcullis", "hcv"]) };
const DEFAULTS = (() => {
  const parsed = parseConfig({ version: 1 });
  if (!parsed.ok) throw new Error(`the empty configuration does not parse: ${parsed.problems.join("; ")}`);
  return parsed.config;
})();

/** Refuses a file that sets a deployment setting to anything but its default: importing would drop it without a word. */
function refuseDeploymentSettings(config: GatewayConfig) {
  const set = (["gateway", "vault"] as const).flatMap((section) => {
    const given: Record<string, unknown> = config[section];
    const defaults: Record<string, unknown> = DEFAULTS[section];
    return Object.entries(given)
      .filter(([key, value]) => !PUBLISHED[section].has(key) && !isDeepStrictEqual(value, defaults[key]))
      .map(([key, value]) => ({ name: `${section}.${key}`, value, fallback: defaults[key] }));
  });
  if (set.length === 0) return;
  const json = (value: unknown) => JSON.stringify(value);
  throw new ConsoleError(
    "invalid",
    `${set.map((s) => `${s.name} (${json(s.value)})`).join(", ")}: ${set.length === 1 ? "this is a setting" : "these are settings"} of a gateway's own deployment, which the console does not publish: ` +
      `the gateways it configures run with ${set.length === 1 ? "its default" : "their defaults"} (${set.map((s) => `${s.name} ${json(s.fallback)}`).join(", ")}). ` +
      `Set ${set.length === 1 ? "it" : "them"} in the configuration file of a gateway run from a file (--config), and remove ${set.length === 1 ? "it" : "them"} from this import.`,
  );
}

async function syncGroups(tx: Tx, config: GatewayConfig) {
  const wanted = new Set(config.consumer_groups.map((g) => g.name));
  await tx.consumerGroup.deleteMany({ where: { name: { notIn: [...wanted] } } });
  for (const group of config.consumer_groups) {
    await tx.consumerGroup.upsert({
      where: { name: group.name },
      create: { name: group.name, description: group.description ?? "" },
      update: { description: group.description ?? "" },
    });
  }
  return new Map((await tx.consumerGroup.findMany({ select: { id: true, name: true } })).map((g) => [g.name, g.id]));
}

async function syncConsumers(tx: Tx, config: GatewayConfig, groupIds: Map<string, string>, now: Date) {
  const wanted = new Set(config.consumers.map((c) => c.username));
  // Disabled consumers are not part of the gateway's configuration; leave them be.
  const gone = await tx.consumer.findMany({ where: { username: { notIn: [...wanted] }, disabledAt: null }, select: { username: true } });
  await tx.consumer.deleteMany({ where: { username: { in: gone.map((c) => c.username) } } });
  // As when an admin deletes one (lib/console/consumers.ts): its MCP clients' sign-ins and its waiting calls'
  // approvals go too, or a consumer the file names later under the same username (a rename is a delete and a
  // create) would inherit them.
  await revokeAccountsGrants(
    tx,
    gone.map((c) => c.username),
  );
  await voidApprovalsOfConsumers(
    tx,
    gone.map((c) => c.username),
  );
  for (const entry of config.consumers) {
    const consumer = await tx.consumer.upsert({
      where: { username: entry.username },
      create: { username: entry.username, customId: entry.custom_id ?? null },
      update: { customId: entry.custom_id ?? null, disabledAt: null },
    });
    await tx.consumerGroupMember.deleteMany({ where: { consumerId: consumer.id } });
    await tx.consumerGroupMember.createMany({ data: entry.groups.map((g) => ({ consumerId: consumer.id, groupId: groupIds.get(g)! })) });
    const keys = entry.keys.map((k) => ("key" in k ? { ...k, hash: hashApiKey(k.key), prefix: displayPrefix(k.key) } : { ...k, prefix: "imported" }));
    // Keys missing from the file are revoked, not deleted: their history stays.
    await tx.apiKey.updateMany({ where: { consumerId: consumer.id, revokedAt: null, hash: { notIn: keys.map((k) => k.hash) } }, data: { revokedAt: now } });
    for (const key of keys) {
      const expiresAt = key.expires_at ? new Date(key.expires_at) : null;
      await tx.apiKey.upsert({
        where: { hash: key.hash },
        // A key's id is part of the compiled document, so an imported key keeps the id it was exported with,
        // or gets one derived from its hash: previewing and applying the same file give the same configuration.
        create: { id: key.id ?? key.hash.slice(7, 39), consumerId: consumer.id, name: key.name ?? "imported", prefix: key.prefix, hash: key.hash, expiresAt },
        update: { consumerId: consumer.id, expiresAt, revokedAt: null, ...(key.name ? { name: key.name } : {}) },
      });
    }
  }
  return new Map((await tx.consumer.findMany({ select: { id: true, username: true } })).map((c) => [c.username, c.id]));
}

async function syncServers(tx: Tx, config: GatewayConfig, groupIds: Map<string, string>, consumerIds: Map<string, string>) {
  if (config.servers.some((s) => s.auth.mode === "sign_in")) await prepareAuthorizationServer(tx);
  await tx.mcpServer.deleteMany({ where: { name: { notIn: config.servers.map((s) => s.name) } } });
  const groups = config.consumer_groups.map((g) => g.name).sort();
  for (const server of config.servers) {
    const { mode, ...settings } = server.auth;
    // Stored as the console stores them (lib/console/servers.ts): upstream_credential rides with the auth settings.
    const stored = { ...settings, ...(server.upstream_credential ? { upstream_credential: server.upstream_credential } : {}) };
    const authSettings = (mode === "token_swap" && server.passthrough_credentials ? { ...stored, passthrough_credentials: true } : stored) as Prisma.InputJsonValue;
    const data = {
      path: server.path,
      upstreamUrl: server.upstream,
      authMode: mode,
      authSettings,
      upstreamHeaders: server.upstream_headers,
      corsOrigins: server.cors.origins,
      timeoutMs: server.timeout_ms,
      toolChanges: server.tool_changes,
      newTools: server.new_tools,
      resultRedaction: server.result_redaction ?? "off",
      auditArguments: server.audit_arguments ?? false,
    };
    // The upstream account setting is the console's own (the file carries only per_user): kept while the file keeps per_user.
    const perUser = server.upstream_credential?.per_user !== undefined;
    const row = await tx.mcpServer.upsert({
      where: { name: server.name },
      create: { name: server.name, ...data },
      update: { ...data, aclVersion: { increment: 1 }, ...(perUser ? {} : { upstreamAccount: Prisma.DbNull }) },
    });
    if (!perUser) await tx.upstreamConnection.deleteMany({ where: { serverId: row.id } });
    await syncPins(tx, row.id, server.tools);
    await syncLimits(tx, row.id, server.limits, groupIds, consumerIds);
    await tx.aclGroupRule.deleteMany({ where: { serverId: row.id } });
    await tx.aclOthersRule.deleteMany({ where: { serverId: row.id } });
    await tx.aclConsumerRule.deleteMany({ where: { serverId: row.id } });
    const matrix = aclToMatrix(server.acl, groups);
    const rows = [[DEFAULT_ROW, matrix.defaultRow] as const, ...Object.entries(matrix.tools)];
    for (const [toolName, cells] of rows) {
      const groupRules = Object.entries(cells.groups).filter(([, cell]) => cell !== "inherit");
      await tx.aclGroupRule.createMany({
        data: groupRules.map(([group, effect]) => ({ serverId: row.id, toolName, groupId: groupIds.get(group)!, effect: effect as "allow" | "deny" })),
      });
      if (cells.others !== "inherit") await tx.aclOthersRule.create({ data: { serverId: row.id, toolName, effect: cells.others } });
      const consumerRules = Object.entries(cells.consumers ?? {});
      await tx.aclConsumerRule.createMany({ data: consumerRules.map(([username, effect]) => ({ serverId: row.id, toolName, consumerId: consumerIds.get(username)!, effect })) });
    }
    await syncRequirements(tx, row.id, server.acl);
    await syncRuleSettings(tx, row.id, server.acl);
  }
}

/** The file's `require` blocks replace the server's requirements (the default rule's as the "*" row). */
async function syncRequirements(tx: Tx, serverId: string, acl: GatewayConfig["servers"][number]["acl"]) {
  await tx.toolRequirement.deleteMany({ where: { serverId } });
  const rules = [{ name: DEFAULT_ROW, require: acl.default.require }, ...acl.tools];
  await tx.toolRequirement.createMany({
    data: rules.flatMap(({ name, require }) =>
      require
        ? [
            {
              serverId,
              toolName: name,
              action: require.action,
              subjects: require.for,
              condition: require.when ?? null,
              approvers: require.approvers ?? [],
              selfApproval: require.self_approval,
              expiresSeconds: require.expires_seconds,
              waitSeconds: require.wait_seconds,
            },
          ]
        : [],
    ),
  });
}

/**
 * Each rule's condition and redacted argument paths, beside the matrix. The
 * gateway reads a conditional rule with `deny` alone as a deny-condition and
 * any other as an allow-condition; the matrix row keeps the rule's names.
 */
async function syncRuleSettings(tx: Tx, serverId: string, acl: GatewayConfig["servers"][number]["acl"]) {
  await tx.aclCondition.deleteMany({ where: { serverId } });
  await tx.argumentRedaction.deleteMany({ where: { serverId } });
  const rules = [{ ...acl.default, name: DEFAULT_ROW, redact_args: undefined }, ...acl.tools];
  await tx.aclCondition.createMany({
    data: rules.flatMap((rule) =>
      rule.when === undefined
        ? []
        : [
            {
              serverId,
              toolName: rule.name,
              effect: rule.deny?.length && !rule.allow?.length ? ("deny" as const) : ("allow" as const),
              expression: rule.when,
              message: rule.message ?? null,
            },
          ],
    ),
  });
  await tx.argumentRedaction.createMany({
    data: acl.tools.flatMap((rule) => (rule.redact_args?.length ? [{ serverId, toolName: rule.name, paths: [...new Set(rule.redact_args)].sort() }] : [])),
  });
}

/** The file's limits replace the server's; a subject that names a group and a consumer both is stored as the group. */
async function syncLimits(tx: Tx, serverId: string, limits: GatewayConfig["servers"][number]["limits"], groupIds: Map<string, string>, consumerIds: Map<string, string>) {
  await tx.limitRule.deleteMany({ where: { serverId } });
  await tx.limitRule.createMany({
    data: limits.map((limit) => ({
      serverId,
      groupId: limit.subject === "*" ? null : (groupIds.get(limit.subject) ?? null),
      consumerId: limit.subject === "*" || groupIds.has(limit.subject) ? null : consumerIds.get(limit.subject)!,
      ...limitRuleColumns(limit),
    })),
  });
}

/**
 * The file's pins are the approved catalogue: tools it does not pin lose their pin, and a pinned
 * name the console has never synced gets a row (its definition arrives with the next sync). A file
 * that pins nothing for a server (a hand-written one, the demo's recipe) leaves the approvals made
 * in the console as they are: importing it again then changes nothing.
 */
async function syncPins(tx: Tx, serverId: string, pins: GatewayConfig["servers"][number]["tools"]) {
  if (pins.length === 0) return;
  await tx.tool.updateMany({
    where: { serverId, name: { notIn: pins.map((p) => p.name) } },
    data: { pin: null, approvedDefinition: Prisma.DbNull, approvedById: null, approvedAt: null },
  });
  for (const { name, pin } of pins) {
    const existing = await tx.tool.findUnique({ where: { serverId_name: { serverId, name } }, select: { pin: true } });
    if (existing?.pin === pin) continue;
    // The definition behind an imported pin is unknown: the approved definition is cleared, not kept from another pin.
    const approval = { pin, approvedDefinition: Prisma.DbNull, approvedById: null, approvedAt: new Date() };
    if (existing) await tx.tool.update({ where: { serverId_name: { serverId, name } }, data: { ...approval, goneAt: null } });
    else await tx.tool.create({ data: { serverId, name, inputSchemaHash: hashInputSchema({}), ...approval } });
  }
}

async function syncVault(tx: Tx, config: GatewayConfig, masterKey: Buffer) {
  for (const [name, ciphertext] of Object.entries(config.vault.portcullis)) {
    try {
      decryptSecret(masterKey, name, ciphertext);
    } catch {
      throw new ConsoleError("invalid", `vault.portcullis.${name}: this value was encrypted with another master key; set it again in the Vault page instead of importing it.`);
    }
  }
  const names = Object.keys(config.vault.portcullis);
  await tx.secret.deleteMany({ where: { name: { notIn: names } } });
  for (const name of names) {
    const ciphertext = config.vault.portcullis[name]!;
    const existing = await tx.secret.findUnique({ where: { name } });
    if (!existing) await tx.secret.create({ data: { name, ciphertext } });
    else if (existing.ciphertext !== ciphertext) await tx.secret.update({ where: { name }, data: { ciphertext, version: { increment: 1 } } });
  }
  if (config.vault.hcv) {
    const settings = config.vault.hcv as Prisma.InputJsonValue;
    await tx.vaultBackend.upsert({ where: { kind: "hcv" }, create: { kind: "hcv", settings }, update: { settings } });
  } else {
    await tx.vaultBackend.deleteMany({ where: { kind: "hcv" } });
  }
}

async function applyConfig(tx: Tx, config: GatewayConfig, masterKey: Buffer) {
  const now = new Date();
  const groupIds = await syncGroups(tx, config);
  const consumerIds = await syncConsumers(tx, config, groupIds, now);
  await syncServers(tx, config, groupIds, consumerIds);
  await syncVault(tx, config, masterKey);
  if (config.secret_patterns.length > 0) {
    const value = [...config.secret_patterns].sort((a, b) => (a.name < b.name ? -1 : 1));
    await tx.setting.upsert({ where: { key: SECRET_PATTERNS_SETTING }, create: { key: SECRET_PATTERNS_SETTING, value }, update: { value } });
  } else {
    await tx.setting.deleteMany({ where: { key: SECRET_PATTERNS_SETTING } });
  }
  const publicUrl = config.gateway.public_url;
  if (publicUrl) await tx.setting.upsert({ where: { key: "gateway.public_url" }, create: { key: "gateway.public_url", value: publicUrl }, update: { value: publicUrl } });
  else await tx.setting.deleteMany({ where: { key: "gateway.public_url" } });
}

export interface ImportPreview {
  /** Hash of the configuration the import would produce. */
  hash: string;
  /** Hash of the current configuration, so a confirm can refuse when it moved meanwhile. */
  currentHash: string;
  changed: boolean;
  diff: { added: boolean; removed: boolean; value: string }[];
}

class DryRun extends Error {
  constructor(readonly preview: ImportPreview) {
    super("dry run");
  }
}

/** Applies the config inside a transaction that is always rolled back, and diffs the result with the current state. */
export async function previewImport(db: Db, config: GatewayConfig, masterKey: Buffer): Promise<ImportPreview> {
  const current = compileConfig(await loadConfigSnapshot(db));
  try {
    await db.$transaction(async (tx) => {
      await applyConfig(tx, config, masterKey);
      await assertConfigAccepted(tx);
      const next = compileConfig(await loadConfigSnapshot(tx));
      const hash = configHash(next);
      const currentHash = configHash(current);
      throw new DryRun({ hash, currentHash, changed: hash !== currentHash, diff: diffLines(configToYaml(current), configToYaml(next)) });
    }, LONG_TRANSACTION);
  } catch (error) {
    if (error instanceof DryRun) return error.preview;
    throw error;
  }
  throw new Error("unreachable");
}

/** Applies the config for real, provided the current state still has the hash the admin previewed against. */
export async function applyImport(db: Db, actor: CurrentUser, config: GatewayConfig, masterKey: Buffer, expectedCurrentHash: string, action: string) {
  await db.$transaction(async (tx) => {
    const current = compileConfig(await loadConfigSnapshot(tx));
    if (configHash(current) !== expectedCurrentHash) {
      throw new ConsoleError("conflict", "The configuration changed since you previewed this import. Preview it again.");
    }
    await applyConfig(tx, config, masterKey);
    await assertConfigAccepted(tx);
    const after = compileConfig(await loadConfigSnapshot(tx));
    await recordActivity(tx, actor, {
      action,
      entityType: "config",
      entityName: "gateway configuration",
      before: { hash: expectedCurrentHash },
      after: { hash: configHash(after) },
    });
  }, LONG_TRANSACTION);
}
