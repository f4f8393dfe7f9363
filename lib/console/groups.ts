// Consumer groups: the columns of the tool access matrix.
import type { CurrentUser } from "../auth/session";
import { db } from "../db/client";
import { recordActivity } from "./activity";
import { notFound } from "./errors";
import type { z } from "zod";
import type { groupInputSchema } from "./schemas/group";
import { configWrite } from "../controlplane/config-check";

type GroupInput = z.infer<typeof groupInputSchema>;

export interface GroupSummary {
  id: string;
  name: string;
  description: string;
  members: number;
  /** The first MEMBERS_LISTED members by username; the consumers list shows them all. */
  firstMembers: { id: string; username: string }[];
  rules: number;
}

export const MEMBERS_LISTED = 8;

export async function listGroups(): Promise<GroupSummary[]> {
  const groups = await db().consumerGroup.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      description: true,
      members: { take: MEMBERS_LISTED, orderBy: { consumer: { username: "asc" } }, select: { consumer: { select: { id: true, username: true } } } },
      _count: { select: { members: true, aclRules: true } },
    },
  });
  return groups.map((g) => ({
    id: g.id,
    name: g.name,
    description: g.description,
    members: g._count.members,
    firstMembers: g.members.map((m) => m.consumer),
    rules: g._count.aclRules,
  }));
}

export async function listGroupNames(): Promise<string[]> {
  const groups = await db().consumerGroup.findMany({ orderBy: { name: "asc" }, select: { name: true } });
  return groups.map((g) => g.name);
}

export async function createGroup(actor: CurrentUser, input: GroupInput) {
  return configWrite(async (tx) => {
    const group = await tx.consumerGroup.create({ data: input });
    await recordActivity(tx, actor, { action: "group.create", entityType: "group", entityId: group.id, entityName: group.name, after: input });
    return group;
  });
}

export async function updateGroup(actor: CurrentUser, id: string, input: GroupInput) {
  return configWrite(async (tx) => {
    const before = await tx.consumerGroup.findUnique({ where: { id }, select: { name: true, description: true } });
    if (!before) throw notFound("This group");
    const group = await tx.consumerGroup.update({ where: { id }, data: input });
    await recordActivity(tx, actor, { action: "group.update", entityType: "group", entityId: id, entityName: group.name, before, after: input });
    return group;
  });
}

export async function deleteGroup(actor: CurrentUser, id: string) {
  await configWrite(async (tx) => {
    const before = await tx.consumerGroup.findUnique({ where: { id }, select: { name: true, description: true } });
    if (!before) throw notFound("This group");
    await tx.consumerGroup.delete({ where: { id } });
    await recordActivity(tx, actor, { action: "group.delete", entityType: "group", entityId: id, entityName: before.name, before });
  });
}
