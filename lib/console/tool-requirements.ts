// Confirmation and approval steps on the access page: one `require` per tool
// row (or the default row, "*") and the server's destructive default
// (lib/config/compile.ts turns both into the config's `require` blocks).
// Each write is checked like every other (lib/controlplane/config-check.ts).
import type { CurrentUser } from "../auth/session";
import { DEFAULT_ROW } from "../acl/matrix";
import { compileCondition } from "../core/acl/condition";
import { EVERYONE } from "../core/acl/decide";
import { configWrite } from "../controlplane/config-check";
import { db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { recordActivity } from "./activity";
import { ConsoleError, notFound } from "./errors";
import type { DestructiveDefaultInput, RequirementInput } from "./schemas/tool-requirement";

type Tx = Prisma.TransactionClient;

export interface ServerRequirements {
  requirements: (RequirementInput & { tool: string })[];
  destructive: DestructiveDefaultInput;
  /** Tools the last sync listed with annotations.destructiveHint true. */
  destructiveTools: string[];
}

export async function loadRequirements(serverId: string): Promise<ServerRequirements | undefined> {
  const server = await db().mcpServer.findUnique({
    where: { id: serverId },
    select: { destructive: true, destructiveApprovers: true, requirements: { orderBy: { toolName: "asc" } } },
  });
  if (!server) return undefined;
  const destructiveTools = await db().tool.findMany({
    where: { serverId, goneAt: null, annotations: { path: ["destructiveHint"], equals: true } },
    orderBy: { name: "asc" },
    select: { name: true },
  });
  return {
    requirements: server.requirements.map((r) => ({
      tool: r.toolName,
      action: r.action,
      for: r.subjects,
      when: r.condition,
      approvers: r.approvers,
      selfApproval: r.selfApproval,
      expiresSeconds: r.expiresSeconds,
      waitSeconds: r.waitSeconds,
    })),
    destructive: { action: server.destructive, approvers: server.destructiveApprovers },
    destructiveTools: destructiveTools.map((t) => t.name),
  };
}

/** Field errors for names the configuration would not know; the write check would refuse them with a config path. */
async function checkNames(tx: Tx, fields: { approvers?: string[]; for?: string[] }): Promise<void> {
  const wanted = [...new Set([...(fields.approvers ?? []), ...(fields.for ?? [])])].filter((n) => n !== EVERYONE);
  // One query after the other: inside a transaction they share one connection.
  const groups = await tx.consumerGroup.findMany({ where: { name: { in: wanted } }, select: { name: true } });
  const consumers = await tx.consumer.findMany({ where: { username: { in: wanted }, disabledAt: null }, select: { username: true } });
  const groupNames = new Set(groups.map((g) => g.name));
  const usernames = new Set(consumers.map((c) => c.username));
  const errors: Record<string, string> = {};
  const unknownApprover = fields.approvers?.find((n) => !groupNames.has(n));
  if (unknownApprover) errors.approvers = `"${unknownApprover}" is not a consumer group`;
  const unknownSubject = fields.for?.find((n) => n !== EVERYONE && !groupNames.has(n) && !usernames.has(n));
  if (unknownSubject) errors.for = `"${unknownSubject}" is neither a consumer group nor an enabled consumer`;
  if (Object.keys(errors).length) throw new ConsoleError("invalid", "Some fields need attention.", errors);
}

async function serverName(tx: Tx, serverId: string): Promise<string> {
  const server = await tx.mcpServer.findUnique({ where: { id: serverId }, select: { name: true } });
  if (!server) throw notFound("That server");
  return server.name;
}

export async function setRequirement(actor: CurrentUser, serverId: string, tool: string, input: RequirementInput | null): Promise<void> {
  if (input?.when) {
    const compiled = compileCondition(input.when);
    if (!compiled.ok) throw new ConsoleError("invalid", "Some fields need attention.", { when: compiled.problem });
  }
  const name = await serverName(db(), serverId);
  await configWrite(
    async (tx) => {
      if (tool !== DEFAULT_ROW && !(await tx.tool.findUnique({ where: { serverId_name: { serverId, name: tool } }, select: { id: true } }))) {
        throw new ConsoleError("invalid", `The server has no tool named "${tool}". Sync or import its tools first.`);
      }
      const before = await tx.toolRequirement.findUnique({ where: { serverId_toolName: { serverId, toolName: tool } }, omit: { serverId: true, updatedAt: true } });
      if (input === null) {
        await tx.toolRequirement.deleteMany({ where: { serverId, toolName: tool } });
      } else {
        await checkNames(tx, input);
        const data = {
          action: input.action,
          subjects: input.for,
          condition: input.when,
          approvers: input.approvers,
          selfApproval: input.selfApproval,
          expiresSeconds: input.expiresSeconds,
          waitSeconds: input.waitSeconds,
        };
        await tx.toolRequirement.upsert({ where: { serverId_toolName: { serverId, toolName: tool } }, create: { serverId, toolName: tool, ...data }, update: data });
      }
      await recordActivity(tx, actor, {
        action: input === null ? "requirement.delete" : "requirement.set",
        entityType: "server",
        entityId: serverId,
        entityName: `${name} / ${tool === DEFAULT_ROW ? "default" : tool}`,
        before: before ?? undefined,
        after: input ?? undefined,
      });
    },
    { server: name },
  );
}

export async function setDestructiveDefault(actor: CurrentUser, serverId: string, input: DestructiveDefaultInput): Promise<void> {
  const name = await serverName(db(), serverId);
  await configWrite(
    async (tx) => {
      await checkNames(tx, { approvers: input.approvers });
      const before = await tx.mcpServer.findUniqueOrThrow({ where: { id: serverId }, select: { destructive: true, destructiveApprovers: true } });
      await tx.mcpServer.update({ where: { id: serverId }, data: { destructive: input.action, destructiveApprovers: input.approvers } });
      await recordActivity(tx, actor, {
        action: "server.destructive.update",
        entityType: "server",
        entityId: serverId,
        entityName: name,
        before: { action: before.destructive, approvers: before.destructiveApprovers },
        after: input,
      });
    },
    { server: name },
  );
}
