import type { Metadata } from "next";
import Link from "next/link";
import { ToolAccessTable } from "@/components/access/tool-access-table";
import { AuthModeBadge } from "@/components/servers/auth-mode-badge";
import { ConnectionPanel } from "@/components/servers/connection-panel";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { LinkTabs } from "@/components/ui/link-tabs";
import { PageHeader } from "@/components/ui/page-header";
import { ROLES } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { connectionSnippets } from "@/lib/console/connection-snippets";
import { listOwnedConsumers } from "@/lib/console/consumers";
import { discoveredToolNames, loadPublishedPolicy, serverAccess } from "@/lib/console/effective-access";
import { gatewayPublicUrl } from "@/lib/console/gateway-url";
import { db } from "@/lib/db/client";

export const metadata: Metadata = { title: "My access" };

const LINK = "text-indigo-700 hover:underline dark:text-indigo-300";

export default async function MyAccessPage({ searchParams }: { searchParams: Promise<{ consumer?: string }> }) {
  const user = await requirePageRole(ROLES);
  const consumers = await listOwnedConsumers(user.id);
  const header = (
    <PageHeader
      title="My access"
      description="For each MCP server: the tools your agent may call and those it may not, with the rule that decides — the gateway's own decision on the configuration it runs — and how to connect."
    />
  );
  if (consumers.length === 0) {
    return (
      <>
        {header}
        <EmptyState title="You have no consumer yet">
          Access belongs to a consumer: the identity your agent has at the gateway. See{" "}
          <Link className={LINK} href="/keys">
            My keys
          </Link>
          .
        </EmptyState>
      </>
    );
  }
  const wanted = (await searchParams).consumer;
  const consumer = consumers.find((c) => c.username === wanted) ?? consumers[0]!;
  const [policy, publicUrl] = await Promise.all([loadPublishedPolicy(db(), [consumer.username]), gatewayPublicUrl()]);
  const caller = policy.callers.get(consumer.username);
  const tools = await discoveredToolNames(db(), policy.servers.map((s) => s.name));
  const servers = caller
    ? policy.servers.map((server) => ({ server, access: serverAccess(server, tools.get(server.name) ?? [], caller) })).sort((a, b) => Number(b.access.usable) - Number(a.access.usable))
    : [];

  return (
    <>
      {header}
      {consumers.length > 1 ? (
        <LinkTabs
          label="Consumer"
          current={`/my-access?consumer=${encodeURIComponent(consumer.username)}`}
          tabs={consumers.map((c) => ({ href: `/my-access?consumer=${encodeURIComponent(c.username)}`, label: c.username }))}
        />
      ) : null}
      {!caller ? (
        <EmptyState title={`${consumer.username} is not in the gateways' configuration`}>
          {consumer.disabled
            ? "An admin disabled this consumer: the gateway refuses its keys before deciding on any tool."
            : "It was just created and has not reached the gateways yet. Reload in a moment."}
        </EmptyState>
      ) : (
        <>
          <p className="mb-6 text-sm text-zinc-600 dark:text-zinc-400" data-testid="access-caller">
            As <strong className="font-mono">{caller.username}</strong>
            {caller.groups.length ? <>, in group(s) {caller.groups.join(", ")}</> : ", in no group"}. Configuration version {policy.version ?? "not yet published"}.
          </p>
          {servers.length === 0 ? <EmptyState title="No MCP servers yet">Admins have not added any MCP server to the gateway.</EmptyState> : null}
          <div className="space-y-10">
            {servers.map(({ server, access }) => {
              const url = `${publicUrl}${server.path}`;
              return (
                <section key={server.name} aria-labelledby={`server-${server.name}`} className="space-y-3">
                  <div className="flex flex-wrap items-center gap-2">
                    <h2 id={`server-${server.name}`} className="text-base font-semibold">
                      {server.name}
                    </h2>
                    <span className="font-mono text-xs text-zinc-500">{server.path}</span>
                    <AuthModeBadge mode={server.auth.mode} />
                  </div>
                  {server.auth.mode === "token_swap" ? (
                    <p className="text-xs text-zinc-500">
                      This route identifies callers by your identity provider&apos;s token, not an API key
                      {server.auth.consumer_groups_claim ? `; groups in the token's "${server.auth.consumer_groups_claim}" claim add to the ones shown here` : ""}.
                    </p>
                  ) : null}
                  <div className={access.usable ? "grid gap-5 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]" : undefined}>
                    <ToolAccessTable access={access} caller={caller.username} />
                    {access.usable ? (
                      <ConnectionPanel url={url} snippets={connectionSnippets(server, url)} keyHeader={server.auth.mode === "passthrough" ? server.auth.key_header : undefined} />
                    ) : (
                      <Card className="mt-3 text-sm text-zinc-600 dark:text-zinc-400">No tool of this server is open to you. Ask an admin if your agent needs one.</Card>
                    )}
                  </div>
                </section>
              );
            })}
          </div>
        </>
      )}
    </>
  );
}
