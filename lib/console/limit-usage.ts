// My access's rate limits: the rules of the published configuration that
// apply to a consumer (the gateway's matching: its username, each of its
// groups, or "*", for the tool or every tool) and how much of each budget the
// consumer used, counted from the per-minute audit rollups. The counts are an
// approximation of the gateway's counters, said on the page: whole minutes
// (the current minute, the last 60 and the last 1440 minute buckets, so up
// to a minute more than the gateway's rolling window), admitted tools/call
// events only (allowed, or failed upstream after being admitted), as far as
// the audit has been ingested (about a second behind).
import type { Caller } from "../core/acl/decide";
import type { LimitRuleConfig, ServerConfig } from "../core/config/schema";
import { db as consoleDb, type Db } from "../db/client";

export interface CallsUsed {
  minute: number;
  hour: number;
  day: number;
}

export interface LimitWithUsage {
  rule: LimitRuleConfig;
  /** How the rule names the caller: "you", "group developer", "everyone". */
  via: string;
  used: CallsUsed;
}

/** The server's rules that apply to `caller`, in the config's order. */
export function limitsFor(server: Pick<ServerConfig, "limits">, caller: Caller): { rule: LimitRuleConfig; via: string }[] {
  return server.limits.flatMap((rule) => {
    if (rule.subject === caller.username) return [{ rule, via: "you" }];
    if (caller.groups.includes(rule.subject)) return [{ rule, via: `group ${rule.subject}` }];
    if (rule.subject === "*") return [{ rule, via: "everyone" }];
    return [];
  });
}

/** Admitted calls per server and tool: `${server}\u0000${tool}` → counts. */
export type UsageByTool = Map<string, CallsUsed>;

export async function loadCallsUsed(db: Db, username: string, now = new Date()): Promise<UsageByTool> {
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const hour = new Date(minute.getTime() - 59 * 60_000);
  const day = new Date(minute.getTime() - 1439 * 60_000);
  const rows = await db.$queryRaw<{ server: string; tool: string; minute: bigint; hour: bigint; day: bigint }[]>`
    SELECT "serverName" AS server, "toolName" AS tool,
      coalesce(sum(count) FILTER (WHERE minute >= ${minute}), 0) AS minute,
      coalesce(sum(count) FILTER (WHERE minute >= ${hour}), 0) AS hour,
      coalesce(sum(count), 0) AS day
    FROM "AuditRollup"
    WHERE "consumerName" = ${username} AND minute >= ${day} AND "toolName" <> '' AND decision IN ('allow', 'error')
    GROUP BY "serverName", "toolName"`;
  return new Map(rows.map((r) => [`${r.server}\u0000${r.tool}`, { minute: Number(r.minute), hour: Number(r.hour), day: Number(r.day) }]));
}

/** What the consumer used of one rule: its tool's calls, or all of the server's for "*". */
export function usedOf(usage: UsageByTool, server: string, tool: string): CallsUsed {
  const used: CallsUsed = { minute: 0, hour: 0, day: 0 };
  for (const [key, calls] of usage) {
    const [usageServer, usageTool] = key.split("\u0000") as [string, string];
    if (usageServer !== server || (tool !== "*" && usageTool !== tool)) continue;
    used.minute += calls.minute;
    used.hour += calls.hour;
    used.day += calls.day;
  }
  return used;
}

export function limitsWithUsage(server: Pick<ServerConfig, "name" | "limits">, caller: Caller, usage: UsageByTool): LimitWithUsage[] {
  return limitsFor(server, caller).map(({ rule, via }) => ({ rule, via, used: usedOf(usage, server.name, rule.tool) }));
}

/** The page's read, on this console's database. */
export function callsUsed(username: string): Promise<UsageByTool> {
  return loadCallsUsed(consoleDb(), username);
}
