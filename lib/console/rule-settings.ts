// The console's store of what goes on a matrix rule beside its cells — a CEL
// condition, a tool's redacted argument paths — and of the server's and the
// installation's redaction settings. Every save is a checked config write
// (lib/controlplane/config-check.ts): a condition that does not compile, that
// its rule cannot carry (lib/acl/rule-settings.ts) or, where the console has
// the tool's inputSchema, that is mistyped, is refused with a field error and
// nothing is saved.
import type { CurrentUser } from "../auth/session";
import { compileCondition } from "../core/acl/condition";
import { checkConditionTypes } from "../core/acl/condition-types";
import { configWrite } from "../controlplane/config-check";
import { SECRET_PATTERNS_SETTING } from "../controlplane/snapshot";
import { db, type Db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { recordActivity } from "./activity";
import { ConsoleError, notFound } from "./errors";
import { secretPatternsSchema, type SaveRuleSettingsInput, type SecretPatternsInput, type ServerRedactionInput } from "./schemas/rule-settings";

type Tx = Prisma.TransactionClient;

/** A config path under the saved server (`acl.tools.3.when`) as the editor's field. */
function fieldOf(path: string): string {
  if (path.endsWith(".when")) return "condition.expression";
  if (path.endsWith(".message")) return "condition.message";
  if (path.includes(".redact_args")) return "redactArgs";
  return "_";
}

/** A refusal of the checked write, its server-relative paths turned into the editor's fields. */
async function withEditorFields<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (!(error instanceof ConsoleError) || !error.fields) throw error;
    const fields: Record<string, string> = {};
    for (const [path, message] of Object.entries(error.fields)) fields[fieldOf(path)] ??= message;
    throw new ConsoleError(error.code, error.message, fields);
  }
}

async function serverName(tx: Tx, serverId: string): Promise<string> {
  const server = await tx.mcpServer.findUnique({ where: { id: serverId }, select: { name: true } });
  if (!server) throw notFound("This MCP server");
  return server.name;
}

async function readRuleSettings(tx: Tx, serverId: string, tool: string) {
  const condition = await tx.aclCondition.findUnique({ where: { serverId_toolName: { serverId, toolName: tool } }, select: { effect: true, expression: true, message: true } });
  const redaction = await tx.argumentRedaction.findUnique({ where: { serverId_toolName: { serverId, toolName: tool } }, select: { paths: true } });
  return { condition, redactArgs: redaction?.paths ?? [] };
}

export async function saveRuleSettings(actor: CurrentUser, serverId: string, input: SaveRuleSettingsInput): Promise<{ ok: true }> {
  const name = await serverName(db(), serverId);
  if (input.condition) {
    // A syntax error is the config check's to report (the gateway's own words); types only where the expression parses.
    const compiles = compileCondition(input.condition.expression).ok;
    const tool = input.tool === "*" || !compiles ? null : await db().tool.findUnique({ where: { serverId_name: { serverId, name: input.tool } }, select: { inputSchema: true } });
    const typeProblem = tool ? checkConditionTypes(input.condition.expression, tool.inputSchema) : undefined;
    if (typeProblem !== undefined) throw new ConsoleError("invalid", "Some fields need attention.", { "condition.expression": typeProblem });
  }
  return withEditorFields(
    configWrite(
      async (tx) => {
        const key = { serverId_toolName: { serverId, toolName: input.tool } };
        const before = await readRuleSettings(tx, serverId, input.tool);
        if (input.condition) {
          const data = { effect: input.condition.effect, expression: input.condition.expression, message: input.condition.message || null };
          await tx.aclCondition.upsert({ where: key, create: { serverId, toolName: input.tool, ...data }, update: data });
        } else {
          await tx.aclCondition.deleteMany({ where: { serverId, toolName: input.tool } });
        }
        const paths = [...new Set(input.redactArgs)].sort();
        if (paths.length > 0) await tx.argumentRedaction.upsert({ where: key, create: { serverId, toolName: input.tool, paths }, update: { paths } });
        else await tx.argumentRedaction.deleteMany({ where: { serverId, toolName: input.tool } });
        await recordActivity(tx, actor, {
          action: "acl.rule_settings",
          entityType: "server",
          entityId: serverId,
          entityName: name,
          before: { tool: input.tool, ...before },
          after: { tool: input.tool, condition: input.condition, redactArgs: paths },
        });
        return { ok: true as const };
      },
      { server: name },
    ),
  );
}

export async function saveServerRedaction(actor: CurrentUser, serverId: string, input: ServerRedactionInput): Promise<ServerRedactionInput> {
  const name = await serverName(db(), serverId);
  return configWrite(
    async (tx) => {
      const before = await tx.mcpServer.findUniqueOrThrow({ where: { id: serverId }, select: { resultRedaction: true, auditArguments: true } });
      await tx.mcpServer.update({ where: { id: serverId }, data: input });
      await recordActivity(tx, actor, { action: "server.redaction", entityType: "server", entityId: serverId, entityName: name, before, after: input });
      return input;
    },
    { server: name },
  );
}

/** The stored patterns; a value that no longer validates reads as none (the compiled config is validated again anyway). */
export async function readSecretPatterns(tx: Db | Tx = db()): Promise<SecretPatternsInput["patterns"]> {
  const row = await tx.setting.findUnique({ where: { key: SECRET_PATTERNS_SETTING }, select: { value: true } });
  const parsed = secretPatternsSchema.shape.patterns.safeParse(row?.value ?? []);
  return parsed.success ? parsed.data : [];
}

export async function saveSecretPatterns(actor: CurrentUser, input: SecretPatternsInput): Promise<SecretPatternsInput> {
  return configWrite(async (tx) => {
    const before = await readSecretPatterns(tx);
    const value = [...input.patterns].sort((a, b) => (a.name < b.name ? -1 : 1));
    if (value.length === 0) await tx.setting.deleteMany({ where: { key: SECRET_PATTERNS_SETTING } });
    else await tx.setting.upsert({ where: { key: SECRET_PATTERNS_SETTING }, create: { key: SECRET_PATTERNS_SETTING, value }, update: { value } });
    await recordActivity(tx, actor, {
      action: "settings.secret_patterns",
      entityType: "settings",
      entityName: "Secret patterns",
      before: { patterns: before },
      after: { patterns: value },
    });
    return { patterns: value };
  });
}
