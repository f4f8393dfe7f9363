import type { Metadata } from "next";
import Link from "next/link";
import { AuthModeBadge } from "@/components/servers/auth-mode-badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageRole } from "@/lib/auth/session";
import { analyticsPath } from "@/lib/analytics/paths";
import { listServers } from "@/lib/console/servers";
import { serverTrafficLastDay } from "@/lib/console/analytics-dashboards";

export const metadata: Metadata = { title: "MCP servers" };

const NEW_SERVER_CLASS = "inline-flex items-center rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-indigo-500";

export default async function ServersPage() {
  await requirePageRole(["admin"]);
  const [servers, traffic] = await Promise.all([listServers(), serverTrafficLastDay()]);
  const last24h = new Map(traffic.map((row) => [row.key, row]));
  return (
    <>
      <PageHeader
        title="MCP servers"
        description="The upstream MCP servers (GitHub, Konnect, …) your agents reach through the gateway, one route each."
        actions={
          servers.length > 0 ? (
            <Link href="/servers/new" className={NEW_SERVER_CLASS}>
              New server
            </Link>
          ) : null
        }
      />
      {servers.length === 0 ? (
        <EmptyState
          title="No MCP servers yet"
          action={
            <Link href="/servers/new" className={NEW_SERVER_CLASS}>
              Add the first server
            </Link>
          }
        >
          Add a route for an upstream MCP server, then import its tools and decide in the tool access matrix which group may call which tool.
        </EmptyState>
      ) : (
        <Table label="MCP servers">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Route</Th>
              <Th>Upstream</Th>
              <Th>Auth</Th>
              <Th className="text-right">Tools</Th>
              <Th className="text-right" title="Requests in the last 24 hours (analytics)">
                Requests 24 h
              </Th>
              <Th className="text-right" title="Denied calls in the last 24 hours (analytics)">
                Denials 24 h
              </Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {servers.map((server) => (
              <tr key={server.id} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/50">
                <Td className="font-medium">
                  <Link href={`/servers/${server.id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                    {server.name}
                  </Link>
                </Td>
                <Td className="font-mono text-xs">{server.path}</Td>
                <Td className="max-w-72 truncate font-mono text-xs text-zinc-600 dark:text-zinc-400" title={server.upstream}>
                  {server.upstream}
                </Td>
                <Td>
                  <AuthModeBadge mode={server.authMode} />
                </Td>
                <Td className="text-right tabular-nums">
                  <Link href={`/servers/${server.id}/tools`} className="hover:underline">
                    {server.tools}
                  </Link>
                </Td>
                <Td className="text-right tabular-nums">
                  <Link href={analyticsPath.server(server.name, "24h")} className="hover:underline">
                    {(last24h.get(server.name)?.requests ?? 0).toLocaleString("en")}
                  </Link>
                </Td>
                <Td className="text-right tabular-nums">{(last24h.get(server.name)?.denials ?? 0).toLocaleString("en")}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
