// MCP servers: the gateway's routes to upstream MCP servers. Stored in
// columns (McpServer) and read back in the config's shape; every write is
// checked to compile into a configuration the gateways accept. The auth
// settings ride in authSettings JSON, and with them the server's
// `upstream_credential` (a token_swap route's token exchange). A new server
// is closed to everyone until an admin opens tools (or copies another
// server's access).
import { prepareAuthorizationServer } from "../oauth-server/config-section";
import { DEFAULT_ROW } from "../acl/matrix";
import type { CurrentUser } from "../auth/session";
import { configWrite } from "../controlplane/config-check";
import { db } from "../db/client";
import type { McpServer, Prisma } from "../generated/prisma/client";
import { findVaultReferences } from "../core/vault/reference";
import { cellsForLog, readMatrix } from "./access-matrix";
import { recordActivity } from "./activity";
import { ConsoleError, notFound } from "./errors";
import { gatewayPublicUrl } from "./gateway-url";
import { clientSecrets, type ServerCreate, type ServerSettings } from "./schemas/server";

type Tx = Prisma.TransactionClient;

export interface ServerSummary {
  id: string;
  name: string;
  path: string;
  url: string;
  upstream: string;
  authMode: ServerSettings["auth"]["mode"];
  tools: number;
}

export interface ServerDetail {
  id: string;
  url: string;
  settings: ServerSettings;
  /** token_swap only: the caller's token is forwarded upstream (set by a config import). */
  forwardsCallerToken: boolean;
  tools: number;
  /** Tool definitions gateways listed that wait for an admin's decision. */
  pendingChanges: number;
  aclVersion: number;
  updatedAt: string;
}

/**
 * `passthrough_credentials` rides in authSettings (a config import may set it; the console form
 * does not edit it): read it on its own, and keep it across edits of a token-swap server.
 */
export function forwardsCallerToken(row: Pick<McpServer, "authMode" | "authSettings">): boolean {
  return row.authMode === "token_swap" && (row.authSettings as { passthrough_credentials?: unknown }).passthrough_credentials === true;
}

/**
 * The upstream account setting (lib/console/connections/manage.ts) writes `per_user`; the server form does not
 * show it, so an edit keeps it (and a change away from sign-in is refused by the config check with the reason).
 */
function keptPerUser<T extends object>(row: Pick<McpServer, "authSettings">, authSettings: T): T {
  const perUser = (row.authSettings as { upstream_credential?: { per_user?: unknown } }).upstream_credential?.per_user;
  return perUser && !("upstream_credential" in authSettings) ? { ...authSettings, upstream_credential: { per_user: perUser } } : authSettings;
}

export function settingsOf(row: McpServer): ServerSettings {
  const { passthrough_credentials: _forwards, upstream_credential, ...auth } = row.authSettings as Record<string, unknown>;
  return {
    name: row.name,
    path: row.path,
    upstream: row.upstreamUrl,
    auth: { mode: row.authMode, ...auth } as ServerSettings["auth"],
    ...(upstream_credential ? { upstream_credential: upstream_credential } : {}),
    upstream_headers: row.upstreamHeaders as Record<string, string>,
    timeout_ms: row.timeoutMs,
    cors: { origins: row.corsOrigins },
    tool_changes: row.toolChanges,
    new_tools: row.newTools,
  };
}

function columnsOf(settings: ServerSettings) {
  const { mode, ...auth } = settings.auth;
  return {
    name: settings.name,
    path: settings.path,
    upstreamUrl: settings.upstream,
    authMode: mode,
    authSettings: settings.upstream_credential ? { ...auth, upstream_credential: settings.upstream_credential } : auth,
    upstreamHeaders: settings.upstream_headers,
    corsOrigins: settings.cors.origins,
    timeoutMs: settings.timeout_ms,
    toolChanges: settings.tool_changes,
    newTools: settings.new_tools,
  };
}

export async function listServers(): Promise<ServerSummary[]> {
  const [rows, publicUrl] = await Promise.all([
    db().mcpServer.findMany({
      orderBy: { name: "asc" },
      select: { id: true, name: true, path: true, upstreamUrl: true, authMode: true, _count: { select: { tools: { where: { goneAt: null } } } } },
    }),
    gatewayPublicUrl(),
  ]);
  return rows.map((r) => ({ id: r.id, name: r.name, path: r.path, url: `${publicUrl}${r.path}`, upstream: r.upstreamUrl, authMode: r.authMode, tools: r._count.tools }));
}

export async function findServer(id: string): Promise<ServerDetail | undefined> {
  const [row, publicUrl] = await Promise.all([
    db().mcpServer.findUnique({ where: { id }, include: { _count: { select: { tools: { where: { goneAt: null } }, driftReports: { where: { state: "pending" } } } } } }),
    gatewayPublicUrl(),
  ]);
  if (!row) return undefined;
  return {
    id: row.id,
    url: `${publicUrl}${row.path}`,
    settings: settingsOf(row),
    forwardsCallerToken: forwardsCallerToken(row),
    tools: row._count.tools,
    pendingChanges: row._count.driftReports,
    aclVersion: row.aclVersion,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getServer(id: string): Promise<ServerDetail> {
  const server = await findServer(id);
  if (!server) throw notFound("This MCP server");
  return server;
}

/** Names of the built-in vault's secrets, offered as {vault://portcullis/<name>} in the header picker. */
export async function listVaultSecretNames(): Promise<string[]> {
  const secrets = await db().secret.findMany({ orderBy: { name: "asc" }, select: { name: true } });
  return secrets.map((s) => s.name);
}

/**
 * What the schema cannot see: the route path and name are free (paths
 * compare case-insensitively, as the gateway routes them), every
 * {vault://portcullis/…} reference names an existing secret, and the
 * unknown-consumer fallback is an existing consumer.
 */
async function checkServerReferences(tx: Tx, settings: ServerSettings, id?: string): Promise<void> {
  const others = { NOT: id ? { id } : undefined };
  const samePath = await tx.mcpServer.findFirst({ where: { path: { equals: settings.path, mode: "insensitive" }, ...others }, select: { name: true } });
  if (samePath) throw new ConsoleError("conflict", "Another server uses this route path.", { path: `${samePath.name} already uses ${settings.path}` });
  const sameName = await tx.mcpServer.findFirst({ where: { name: settings.name, ...others }, select: { id: true } });
  if (sameName) throw new ConsoleError("conflict", "Another server has this name.", { name: "a server with this name already exists" });

  const fields: Record<string, string> = {};
  const secretsNeeded = new Map<string, string>();
  for (const [header, value] of Object.entries(settings.upstream_headers)) {
    for (const ref of findVaultReferences(value)) if (ref.backend === "portcullis") secretsNeeded.set(ref.key, `upstream_headers.${header}`);
  }
  for (const { path, value } of clientSecrets(settings)) {
    for (const ref of findVaultReferences(value)) if (ref.backend === "portcullis") secretsNeeded.set(ref.key, path.join("."));
  }
  if (secretsNeeded.size > 0) {
    const found = await tx.secret.findMany({ where: { name: { in: [...secretsNeeded.keys()] } }, select: { name: true } });
    const existing = new Set(found.map((s) => s.name));
    for (const [name, field] of secretsNeeded) if (!existing.has(name)) fields[field] = `the vault has no secret named "${name}"; create it on the Vault page first`;
  }
  const fallback = (settings.auth.mode === "sign_in" ? undefined : settings.auth.unknown_consumer) ?? "reject";
  if (fallback !== "reject") {
    const consumer = await tx.consumer.findUnique({ where: { username: fallback }, select: { id: true } });
    if (!consumer) fields["auth.unknown_consumer"] = `"${fallback}" is not a consumer; use "reject" or an existing consumer's username`;
  }
  if (Object.keys(fields).length > 0) throw new ConsoleError("invalid", "Some fields need attention.", fields);
}

/** What a new server may do before an admin opens anything: its default row denies everyone else, so every group too. */
async function closeAccess(tx: Tx, serverId: string): Promise<void> {
  await tx.aclOthersRule.create({ data: { serverId, toolName: DEFAULT_ROW, effect: "deny" } });
}

/** The other server's cells, every row, as they are now. */
async function copyAccess(tx: Tx, fromId: string, serverId: string): Promise<void> {
  const from = await tx.mcpServer.findUnique({ where: { id: fromId }, select: { id: true } });
  if (!from) throw new ConsoleError("invalid", "Some fields need attention.", { copy_access_from: "that server does not exist (it may have been deleted)" });
  const rules = { where: { serverId: fromId }, omit: { serverId: true } } as const;
  await tx.aclGroupRule.createMany({ data: (await tx.aclGroupRule.findMany(rules)).map((r) => ({ ...r, serverId })) });
  await tx.aclOthersRule.createMany({ data: (await tx.aclOthersRule.findMany(rules)).map((r) => ({ ...r, serverId })) });
  await tx.aclConsumerRule.createMany({ data: (await tx.aclConsumerRule.findMany(rules)).map((r) => ({ ...r, serverId })) });
}

export async function createServer(actor: CurrentUser, input: ServerCreate): Promise<{ id: string }> {
  const { copy_access_from: copyFrom, ...settings } = input;
  return configWrite(
    async (tx) => {
      await checkServerReferences(tx, settings);
      if (settings.auth.mode === "sign_in") await prepareAuthorizationServer(tx);
      const server = await tx.mcpServer.create({ data: columnsOf(settings), select: { id: true } });
      if (copyFrom) await copyAccess(tx, copyFrom, server.id);
      else await closeAccess(tx, server.id);
      const access = cellsForLog(await readMatrix(tx, server.id));
      await recordActivity(tx, actor, { action: "server.create", entityType: "server", entityId: server.id, entityName: settings.name, after: { ...settings, access } });
      return server;
    },
    { server: settings.name },
  );
}

export async function updateServer(actor: CurrentUser, id: string, settings: ServerSettings): Promise<{ id: string }> {
  return configWrite(
    async (tx) => {
      const row = await tx.mcpServer.findUnique({ where: { id } });
      if (!row) throw notFound("This MCP server");
      await checkServerReferences(tx, settings, id);
      if (settings.auth.mode === "sign_in") await prepareAuthorizationServer(tx);
      const columns = columnsOf(settings);
      const authSettings =
        forwardsCallerToken(row) && settings.auth.mode === "token_swap" ? { ...columns.authSettings, passthrough_credentials: true } : keptPerUser(row, columns.authSettings);
      await tx.mcpServer.update({ where: { id }, data: { ...columns, authSettings } });
      await recordActivity(tx, actor, { action: "server.update", entityType: "server", entityId: id, entityName: settings.name, before: settingsOf(row), after: settings });
      return { id };
    },
    { server: settings.name },
  );
}

export async function deleteServer(actor: CurrentUser, id: string): Promise<void> {
  await configWrite(async (tx) => {
    const row = await tx.mcpServer.findUnique({ where: { id }, include: { _count: { select: { tools: true } } } });
    if (!row) throw notFound("This MCP server");
    // The log keeps what the deletion destroys: settings and access cells (tools can be synced again).
    const cells = cellsForLog(await readMatrix(tx, id));
    await tx.mcpServer.delete({ where: { id } });
    await recordActivity(tx, actor, {
      action: "server.delete",
      entityType: "server",
      entityId: id,
      entityName: row.name,
      before: { ...settingsOf(row), tools: row._count.tools, access: cells },
    });
  });
}
