// The dashboard's counts of what the console manages.
import { db } from "../db/client";

export async function consoleCounts(): Promise<{ servers: number; consumers: number; groups: number; activeKeys: number }> {
  const [servers, consumers, groups, activeKeys] = await Promise.all([
    db().mcpServer.count(),
    db().consumer.count(),
    db().consumerGroup.count(),
    db().apiKey.count({ where: { revokedAt: null } }),
  ]);
  return { servers, consumers, groups, activeKeys };
}
