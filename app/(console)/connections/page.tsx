import type { Metadata } from "next";
import { ConnectionTable } from "@/components/connections/connection-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { ROLES } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { connectPath } from "@/lib/console/connections/account";
import { connectFailureMessage } from "@/lib/console/connections/connect-failure";
import { listMyConnections } from "@/lib/console/connections/manage";

export const metadata: Metadata = { title: "Connected accounts" };

/** A developer's own upstream accounts: the servers that send each user's own credential, and theirs. */
export default async function ConnectedAccountsPage({ searchParams }: { searchParams: Promise<{ connected?: string; error?: string; upstream_error?: string }> }) {
  const user = await requirePageRole(ROLES);
  const query = await searchParams;
  const servers = await listMyConnections(user);
  // Anyone can send a link here: the query names a server listed, or a failure the page words itself, never text to show.
  const connected = servers.find((server) => server.name === query.connected)?.name;
  const error = query.error !== undefined || query.upstream_error !== undefined ? connectFailureMessage(query) : undefined;
  return (
    <>
      <PageHeader
        title="Connected accounts"
        description="MCP servers that call their upstream as you, with your own account there. The console keeps your tokens encrypted and renews them; disconnect to make it forget them."
      />
      {connected ? (
        <p role="status" className="mb-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300">
          Connected your {connected} account.
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-300">
          {error}
        </p>
      ) : null}
      {servers.length === 0 ? (
        <EmptyState title="No server takes your own account">When an admin sets a server to call its upstream with each user&apos;s own credential, it is listed here.</EmptyState>
      ) : (
        <ConnectionTable
          label="Connected accounts"
          nameHeader="MCP server"
          removeLabel="Disconnect"
          removeBase="/api/connections"
          rows={servers.map((server) => ({ name: server.name, connection: server.connection, scopes: server.scopes, connectHref: connectPath(server.name) }))}
        />
      )}
    </>
  );
}
