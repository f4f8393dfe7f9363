// What the dashboard reads: for admins, whatever is wrong right now (data
// planes out of sync, a refused config, held tool changes, keys about to
// expire, denials and errors in the last hour) and the first-run checklist;
// for everyone else, their own consumers, keys, access and calls. Every
// checklist step is ticked from the data, never from a flag someone sets.
import { timeSeries, topKeys } from "../analytics/queries";
import { syncState } from "../controlplane/overview";
import { db } from "../db/client";
import { publishedPolicy, serverAccess, serverToolNames } from "./effective-access";
import { countPendingChanges } from "./pending-changes";

export const EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 86_400_000;

export async function consoleCounts(): Promise<{ servers: number; consumers: number; groups: number; activeKeys: number }> {
  const [servers, consumers, groups, activeKeys] = await Promise.all([
    db().mcpServer.count(),
    db().consumer.count(),
    db().consumerGroup.count(),
    db().apiKey.count({ where: { revokedAt: null } }),
  ]);
  return { servers, consumers, groups, activeKeys };
}

export interface ChecklistStep {
  label: string;
  done: boolean;
  href: string;
}

/** Keys that stop working within EXPIRY_WARNING_DAYS: not revoked, and not an old key whose roll overlap is ending (its successor carries on). */
function expiringSoon(now: number) {
  return { revokedAt: null, replacedById: null, expiresAt: { gt: new Date(now), lte: new Date(now + EXPIRY_WARNING_DAYS * DAY_MS) } };
}

export async function adminDashboard(now = Date.now()) {
  const [counts, planes, latest, pending, expiringKeys, lastHour, topConsumers, tools, allowRules, firstCall] = await Promise.all([
    consoleCounts(),
    db().dataPlane.findMany({ where: { revokedAt: null }, select: { name: true, status: true, lastSeenAt: true, appliedVersion: true, revokedAt: true } }),
    db().configVersion.findFirst({ orderBy: { number: "desc" }, select: { number: true } }),
    countPendingChanges(),
    db().apiKey.count({ where: expiringSoon(now) }),
    timeSeries(db(), "1h", "all", "", now),
    topKeys(db(), "24h", "consumer", "requests", 5, now),
    db().tool.count(),
    Promise.all([db().aclGroupRule.count({ where: { effect: "allow" } }), db().aclConsumerRule.count({ where: { effect: "allow" } })]),
    db().auditEvent.findFirst({ where: { consumerName: { not: null } }, select: { id: true } }),
  ]);
  const states = planes.map((plane) => ({ name: plane.name, state: syncState(plane, latest?.number, now) }));
  const checklist: ChecklistStep[] = [
    { label: "Add an MCP server", done: counts.servers > 0, href: "/servers/new" },
    { label: "Sync its tools", done: tools > 0, href: "/servers" },
    { label: "Open tools to a group or consumer", done: allowRules[0] + allowRules[1] > 0, href: "/access" },
    { label: "Create a consumer", done: counts.consumers > 0, href: "/consumers" },
    { label: "Connect a client: its first call reaches the gateway", done: firstCall !== null, href: "/keys" },
  ];
  return {
    counts,
    planes: {
      total: states.length,
      unhealthy: states.filter((p) => p.state !== "in_sync"),
    },
    pending,
    expiringKeys,
    lastHour,
    topConsumers,
    checklist,
  };
}

export async function developerDashboard(userId: string, now = Date.now()) {
  const consumers = await db().consumer.findMany({
    where: { ownerUserId: userId },
    orderBy: { username: "asc" },
    select: {
      username: true,
      apiKeys: {
        where: { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date(now) } }] },
        select: { name: true, expiresAt: true, lastUsedAt: true, replacedById: true },
      },
    },
  });
  const usernames = consumers.map((c) => c.username);
  const [policy, recentCalls] = await Promise.all([publishedPolicy(usernames), recentCallsOf(usernames, now)]);
  const tools = await serverToolNames(policy.servers.map((s) => s.name));
  const callers = [...policy.callers.values()];
  const usableServers = policy.servers.filter((server) => callers.some((caller) => serverAccess(server, tools.get(server.name) ?? [], caller).usable)).length;
  const keys = consumers.flatMap((c) => c.apiKeys.map((k) => ({ ...k, consumer: c.username })));
  const expiring = keys.filter((k) => k.replacedById === null && k.expiresAt !== null && k.expiresAt.getTime() <= now + EXPIRY_WARNING_DAYS * DAY_MS);
  const used = keys.some((k) => k.lastUsedAt !== null) || recentCalls.length > 0;
  const checklist: ChecklistStep[] = [
    { label: "Have a consumer: your agent's identity at the gateway", done: consumers.length > 0, href: "/keys" },
    { label: "Create an API key", done: keys.length > 0, href: "/keys" },
    { label: "Get access to at least one tool", done: usableServers > 0, href: "/my-access" },
    { label: "Connect your client and make a first call", done: used, href: "/my-access" },
  ];
  return { usernames, activeKeys: keys.length, expiringKeys: expiring.length, usableServers, recentCalls, checklist };
}

function recentCallsOf(usernames: string[], now: number) {
  return db().auditEvent.findMany({
    where: { consumerName: { in: usernames }, time: { gte: new Date(now - 7 * DAY_MS) } },
    orderBy: [{ time: "desc" }, { id: "desc" }],
    take: 8,
    select: { id: true, time: true, consumerName: true, serverName: true, method: true, toolName: true, decision: true, httpStatus: true },
  });
}
