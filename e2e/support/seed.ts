// Console data straight in the database, for specs that look at pages rather
// than at how the data got there. Nothing here publishes a configuration (the
// next console write does) but seedOpenServer, which is for calling the gateway.
import { randomBytes } from "node:crypto";
import { displayPrefix, generateApiKey, hashApiKey } from "../../lib/core/keys/api-key";
import { publishConfigVersion } from "../../lib/controlplane/versions";
import type { Db } from "../../lib/db/client";

export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;

/** A passthrough server with the given tools. */
export async function seedServer(db: Db, tools: string[], prefix = "srv"): Promise<{ id: string; name: string }> {
  const name = unique(prefix);
  const server = await db.mcpServer.create({
    data: { name, path: `/${name}`, upstreamUrl: "https://example.com/mcp", authMode: "passthrough", authSettings: { key_header: "apikey" } },
  });
  await db.tool.createMany({
    data: tools.map((tool, i) => ({ serverId: server.id, name: tool, description: `Tool number ${i}`, inputSchemaHash: `sha256:${i}`, readOnlyHint: i % 2 === 0 })),
  });
  return { id: server.id, name };
}

/** A consumer, optionally owned by a console user and in groups, with one key expiring in `expiresInDays` (none: no key). */
export async function seedConsumer(db: Db, options: { ownerEmail?: string; groupIds?: string[]; expiresInDays?: number | null } = {}): Promise<{ id: string; username: string }> {
  const owner = options.ownerEmail ? await db.user.findUniqueOrThrow({ where: { email: options.ownerEmail } }) : undefined;
  const consumer = await db.consumer.create({
    data: {
      username: unique("agent"),
      ownerUserId: owner?.id,
      groups: { create: (options.groupIds ?? []).map((groupId) => ({ groupId })) },
    },
  });
  if (options.expiresInDays !== undefined) {
    const key = generateApiKey();
    await db.apiKey.create({
      data: {
        consumerId: consumer.id,
        name: "laptop",
        prefix: displayPrefix(key),
        hash: hashApiKey(key),
        expiresAt: options.expiresInDays === null ? null : new Date(Date.now() + options.expiresInDays * 86_400_000),
      },
    });
  }
  return { id: consumer.id, username: consumer.username };
}

/**
 * A passthrough server on `upstreamUrl` that every caller may use, a consumer with a key, and the
 * configuration published, for specs that call the bundled gateway (E2E_GATEWAY_URL + server.path).
 */
export async function seedOpenServer(db: Db, upstreamUrl: string, name: string): Promise<{ server: { id: string; path: string }; username: string; key: string }> {
  const server = await db.mcpServer.create({
    data: { name, path: `/${name}`, upstreamUrl, authMode: "passthrough", authSettings: { key_header: "apikey" } },
  });
  await db.aclOthersRule.create({ data: { serverId: server.id, toolName: "*", effect: "allow" } });
  const consumer = await db.consumer.create({ data: { username: `${name}-agent` } });
  const key = generateApiKey();
  await db.apiKey.create({ data: { consumerId: consumer.id, name: "ci", prefix: displayPrefix(key), hash: hashApiKey(key) } });
  await publishConfigVersion(db, { reason: `e2e ${name}` });
  return { server: { id: server.id, path: server.path }, username: consumer.username, key };
}
