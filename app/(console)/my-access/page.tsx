import type { Metadata } from "next";
import Link from "next/link";
import { LimitUsageTable } from "@/components/access/limit-usage-table";
import { ToolAccessTable } from "@/components/access/tool-access-table";
import { AuthModeBadge } from "@/components/servers/auth-mode-badge";
import { ConnectionPanel } from "@/components/servers/connection-panel";
import { EmptyState } from "@/components/ui/empty-state";
import { LinkTabs } from "@/components/ui/link-tabs";
import { PageHeader } from "@/components/ui/page-header";
import { ROLES } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { connectionSnippets } from "@/lib/console/connection-snippets";
import { listOwnedConsumers } from "@/lib/console/consumers";
import { publishedPolicy, serverAccess, serverToolNames } from "@/lib/console/effective-access";
import { gatewayPublicUrl } from "@/lib/console/gateway-url";
import { callsUsed, limitsWithUsage } from "@/lib/console/limit-usage";

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
  const [policy, publicUrl] = await Promise.all([publishedPolicy([consumer.username]), gatewayPublicUrl()]);
  const caller = policy.callers.get(consumer.username);
  const tools = await serverToolNames(policy.servers.map((s) => s.name));
  const usage = await callsUsed(consumer.username);
  const servers = caller
    ? policy.servers
        .map((server) => ({ server, access: serverAccess(server, tools.get(server.name) ?? [], caller) }))
        .sort((a, b) => Number(b.access.usable) - Number(a.access.usable))
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
              const title = (
                <span className="flex flex-wrap items-center gap-2">
                  <span className="text-base font-semibold">{server.name}</span>
                  <span className="font-mono text-xs text-zinc-500">{server.path}</span>
                  <AuthModeBadge mode={server.auth.mode} />
                </span>
              );
              const defaultRule = (
                <span className="block text-sm text-zinc-600 dark:text-zinc-400" data-testid={`default-rule-${server.name}`}>
                  Default for tools without a rule of their own: <strong>{access.defaultRule}</strong>.
                </span>
              );
              if (!access.usable) {
                // Closed servers stay out of the way, with the reasons one click away.
                return (
                  <details key={server.name} className="rounded-lg border border-zinc-200 px-4 py-3 dark:border-zinc-800">
                    <summary className="cursor-pointer">
                      <span className="inline-flex flex-wrap items-center gap-2">
                        {title}
                        <span className="text-sm text-zinc-500">no tool open to you — ask an admin if your agent needs one</span>
                      </span>
                      {defaultRule}
                    </summary>
                    <div className="mt-3">
                      <ToolAccessTable access={access} caller={caller.username} />
                    </div>
                  </details>
                );
              }
              return (
                <section key={server.name} aria-label={server.name} className="space-y-3">
                  <h2>{title}</h2>
                  {defaultRule}
                  {server.auth.mode === "token_swap" ? (
                    <p className="text-xs text-zinc-500">
                      This route identifies callers by your identity provider&apos;s token, not an API key
                      {server.auth.consumer_groups_claim ? `; groups in the token's "${server.auth.consumer_groups_claim}" claim add to the ones shown here` : ""}.
                    </p>
                  ) : null}
                  <div className="grid gap-5 2xl:grid-cols-2">
                    <ToolAccessTable access={access} caller={caller.username} />
                    <ConnectionPanel url={url} snippets={connectionSnippets(server, url)} keyHeader={server.auth.mode === "passthrough" ? server.auth.key_header : undefined} />
                  </div>
                  <LimitUsageTable server={server.name} limits={limitsWithUsage(server, caller, usage)} />
                </section>
              );
            })}
          </div>
        </>
      )}
    </>
  );
}
