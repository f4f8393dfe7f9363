// Reads the database state that the gateway configuration is compiled from.
// Only what a gateway may use: enabled consumers, keys neither revoked nor
// expired, secrets as ciphertexts. A consumer is left out when an admin
// disabled it or the console user it belongs to (docs/console.md): the one they
// own and the one their email names, which they act as when they sign in with
// Portcullis — so that user's keys and access tokens stop at every gateway with
// this push. What names a consumer left out (ACL rules, limits, `require.for`,
// `unknown_consumer`) is left out with it, and the compile still validates.
import type { ConfigSnapshot } from "../config/compile";
import type { Db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { authorizationServerSection } from "../oauth-server/config-section";
import { belongsToAny } from "../oauth-server/consumer-name";
import { limitRuleConfig, limitRuleSelect } from "./limit-rule-rows";

/** The settings page's secret_patterns: a list of { name, pattern }. */
export const SECRET_PATTERNS_SETTING = "redaction.secret_patterns";

type Tx = Db | Prisma.TransactionClient;

export async function loadConfigSnapshot(db: Tx, now = new Date()): Promise<ConfigSnapshot> {
  // One query after the other: inside a transaction they share one connection.
  const groups = await db.consumerGroup.findMany({ select: { name: true, description: true } });
  const all = await db.consumer.findMany({
    select: {
      username: true,
      customId: true,
      ownerUserId: true,
      disabledAt: true,
      groups: { select: { group: { select: { name: true } } } },
      apiKeys: {
        where: { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
        select: { id: true, name: true, hash: true, expiresAt: true },
      },
    },
  });
  const ofDisabledUser = belongsToAny(await db.user.findMany({ where: { disabledAt: { not: null } }, select: { id: true, email: true } }));
  const consumers = all.filter((c) => c.disabledAt === null && !ofDisabledUser(c));
  const inConfig = new Set(consumers.map((c) => c.username));
  const leftOut = new Set(all.filter((c) => !inConfig.has(c.username)).map((c) => c.username));
  const servers = await db.mcpServer.findMany({
    include: {
      groupRules: { select: { toolName: true, effect: true, group: { select: { name: true } } } },
      consumerRules: { select: { toolName: true, effect: true, consumer: { select: { username: true } } } },
      othersRules: { select: { toolName: true, effect: true } },
      // A gone tool's pin is not served: listed again, it is a new tool.
      tools: { where: { pin: { not: null }, goneAt: null }, select: { name: true, pin: true } },
      limitRules: { select: limitRuleSelect },
      requirements: { omit: { serverId: true, updatedAt: true } },
      conditions: { select: { toolName: true, effect: true, expression: true, message: true } },
      redactions: { select: { toolName: true, paths: true } },
    },
  });
  // The upstream's own word (MCP ToolAnnotations.destructiveHint) on tools it still lists.
  const destructiveTools = await db.tool.findMany({ where: { goneAt: null, annotations: { path: ["destructiveHint"], equals: true } }, select: { serverId: true, name: true } });
  const secrets = await db.secret.findMany({ select: { name: true, ciphertext: true } });
  const hcv = await db.vaultBackend.findUnique({ where: { kind: "hcv" }, select: { settings: true } });
  const gatewaySetting = await db.setting.findUnique({ where: { key: "gateway.public_url" }, select: { value: true } });
  const patternsSetting = await db.setting.findUnique({ where: { key: SECRET_PATTERNS_SETTING }, select: { value: true } });
  // Only a configuration with sign_in routes carries the authorization server, so others keep their hash.
  const authorizationServer = servers.some((s) => s.authMode === "sign_in") ? await authorizationServerSection(db, now) : undefined;
  return {
    authorizationServer,
    publicUrl: typeof gatewaySetting?.value === "string" && gatewaySetting.value ? gatewaySetting.value : undefined,
    groups,
    consumers: consumers.map((c) => ({ username: c.username, customId: c.customId, groups: c.groups.map((m) => m.group.name), keys: c.apiKeys })),
    servers: servers.map((s) => ({
      name: s.name,
      path: s.path,
      upstreamUrl: s.upstreamUrl,
      authMode: s.authMode,
      authSettings: withoutLeftOutFallback(s.authSettings as Record<string, unknown>, leftOut),
      upstreamHeaders: s.upstreamHeaders as Record<string, string>,
      passthroughCredentials: (s.authSettings as { passthrough_credentials?: boolean }).passthrough_credentials,
      corsOrigins: s.corsOrigins,
      timeoutMs: s.timeoutMs,
      toolChanges: s.toolChanges,
      newTools: s.newTools,
      pins: s.tools.map((t) => ({ name: t.name, pin: t.pin! })),
      groupRules: s.groupRules.map((r) => ({ toolName: r.toolName, subject: r.group.name, effect: r.effect })),
      // A consumer left out is not in the config, so rules naming it would not validate: they wait with it.
      consumerRules: s.consumerRules.filter((r) => inConfig.has(r.consumer.username)).map((r) => ({ toolName: r.toolName, subject: r.consumer.username, effect: r.effect })),
      othersRules: s.othersRules,
      limits: s.limitRules.filter((r) => !r.consumer || inConfig.has(r.consumer.username)).map(limitRuleConfig),
      requirements: s.requirements.flatMap((r) => {
        const subjects = r.subjects.filter((name) => !leftOut.has(name));
        // A requirement only for consumers left out applies to nobody the gateway knows.
        return subjects.length > 0 ? [{ ...r, subjects }] : [];
      }),
      destructive: { action: s.destructive, approvers: s.destructiveApprovers },
      destructiveTools: destructiveTools.filter((t) => t.serverId === s.id).map((t) => t.name),
      conditions: s.conditions,
      redactions: s.redactions,
      resultRedaction: s.resultRedaction,
      auditArguments: s.auditArguments,
    })),
    secrets,
    // Validated when written (lib/console/secret-patterns.ts); the compiled config is validated again.
    secretPatterns: (patternsSetting?.value ?? []) as ConfigSnapshot["secretPatterns"],
    hcv: (hcv?.settings ?? undefined) as ConfigSnapshot["hcv"],
  };
}

/** A route's `unknown_consumer` naming a consumer left out: unknown callers are refused instead. */
function withoutLeftOutFallback(settings: Record<string, unknown>, leftOut: ReadonlySet<string>): Record<string, unknown> {
  const fallback = settings.unknown_consumer;
  return typeof fallback === "string" && leftOut.has(fallback) ? { ...settings, unknown_consumer: "reject" } : settings;
}
