import type { Metadata } from "next";
import Link from "next/link";
import { AuthModeBadge } from "@/components/servers/auth-mode-badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";
import { listServers } from "@/lib/console/servers";
import { plural } from "@/lib/client/plural";

export const metadata: Metadata = { title: "Tool access" };

export default async function AccessPage() {
  await requirePageRole(["admin"]);
  const servers = await listServers();
  return (
    <>
      <PageHeader
        title="Tool access"
        description="Each MCP server has a tool access matrix: which consumer group may call which tool. Pick a server."
        actions={
          <Link
            href="/access/simulate"
            className="inline-flex items-center rounded-md bg-white px-3 py-1.5 text-sm font-medium text-zinc-900 shadow-sm ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50 dark:bg-zinc-800 dark:text-zinc-100 dark:ring-zinc-700 dark:hover:bg-zinc-700"
          >
            Policy simulator
          </Link>
        }
      />
      {servers.length === 0 ? (
        <EmptyState
          title="No MCP servers yet"
          action={
            <Link href="/servers/new" className="inline-flex items-center rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-indigo-500">
              Add a server
            </Link>
          }
        >
          Access rules belong to a server. Add one and import its tools first.
        </EmptyState>
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
          {servers.map((server) => (
            <li key={server.id}>
              <Link
                href={`/access/${server.id}`}
                className="block rounded-lg border border-zinc-200 bg-white p-4 shadow-sm hover:border-indigo-300 hover:shadow dark:border-zinc-800 dark:bg-zinc-900 dark:hover:border-indigo-700"
              >
                <span className="flex items-center justify-between gap-2">
                  <span className="font-medium">{server.name}</span>
                  <AuthModeBadge mode={server.authMode} />
                </span>
                <span className="mt-1 block truncate font-mono text-xs text-zinc-500">{server.path}</span>
                <span className="mt-2 block text-sm text-zinc-600 dark:text-zinc-400">{plural(server.tools, "tool")}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
