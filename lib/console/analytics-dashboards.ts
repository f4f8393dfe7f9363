// What the analytics pages read: the rollup queries (lib/analytics/queries.ts)
// over the console's database, one function per page.
import { breakdown, timeSeries, topKeys, type RangeKey } from "../analytics/queries";
import { db } from "../db/client";

export async function overviewDashboard(range: RangeKey) {
  const [series, servers, tools, consumers, denied, throttledConsumers, throttledServers, throttledTools] = await Promise.all([
    timeSeries(db(), range, "all", ""),
    topKeys(db(), range, "server", "requests"),
    topKeys(db(), range, "tool", "requests"),
    topKeys(db(), range, "consumer", "requests"),
    topKeys(db(), range, "tool", "denials"),
    topKeys(db(), range, "consumer", "throttled"),
    topKeys(db(), range, "server", "throttled"),
    topKeys(db(), range, "tool", "throttled"),
  ]);
  return { series, servers, tools, consumers, denied, throttled: { consumers: throttledConsumers, servers: throttledServers, tools: throttledTools } };
}

export async function serverDashboard(range: RangeKey, server: string) {
  const [series, rows] = await Promise.all([timeSeries(db(), range, "server", server), breakdown(db(), range, { server })]);
  return { series, rows };
}

export async function toolDashboard(range: RangeKey, server: string, tool: string) {
  const [series, rows] = await Promise.all([timeSeries(db(), range, "tool", `${server}/${tool}`), breakdown(db(), range, { server, tool })]);
  return { series, rows };
}

/** A consumer's traffic; with `since`, only from then on (a developer sees their consumer's since it took its name). */
export async function consumerDashboard(range: RangeKey, username: string, since?: Date) {
  const now = Date.now();
  const [series, rows] = await Promise.all([timeSeries(db(), range, "consumer", username, now, since), breakdown(db(), range, { consumer: username }, now, since)]);
  return { series, rows };
}

/** The consumer's owner (for the developer check) and its keys, newest first; undefined when there is none of that name. */
export async function consumerKeysOverview(username: string) {
  const consumer = await db().consumer.findUnique({
    where: { username },
    select: {
      ownerUserId: true,
      namedAt: true,
      apiKeys: { orderBy: { createdAt: "desc" }, select: { id: true, name: true, prefix: true, lastUsedAt: true, revokedAt: true, expiresAt: true } },
    },
  });
  return consumer ?? undefined;
}

/** Requests per server over the last 24 hours, for the servers list. */
export async function serverTrafficLastDay() {
  return topKeys(db(), "24h", "server", "requests", 10_000);
}
