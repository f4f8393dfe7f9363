import type { Metadata } from "next";
import Link from "next/link";
import { MyAccessServers } from "@/components/access/my-access-servers";
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
      description="For each MCP server: how to connect, the tools your agent may call and those it may not, with the rule that decides — the gateway's own decision on the configuration it runs."
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
            {caller.groups.length ? `, in ${caller.groups.length === 1 ? "group" : "groups"} ${caller.groups.join(", ")}` : ", in no group"}. Configuration version{" "}
            {policy.version ?? "not yet published"}.
          </p>
          <MyAccessServers
            caller={caller.username}
            servers={servers.map(({ server, access }) => {
              const url = `${publicUrl}${server.path}`;
              return {
                access,
                url,
                snippets: connectionSnippets(server, url),
                keyHeader: server.auth.mode === "passthrough" ? server.auth.key_header : undefined,
                groupsClaim: server.auth.mode === "token_swap" ? server.auth.consumer_groups_claim : undefined,
                limits: limitsWithUsage(server, caller, usage),
              };
            })}
          />
        </>
      )}
    </>
  );
}
