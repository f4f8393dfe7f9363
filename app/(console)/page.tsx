import Link from "next/link";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";
import { ROLES } from "@/lib/auth/roles";
import { consoleCounts } from "@/lib/console/dashboard";
import { configHealth, configIsHealthy } from "@/lib/controlplane/config-health";
import { countPendingChanges } from "@/lib/console/pending-changes";

export const dynamic = "force-dynamic";

export default async function DashboardPage() {
  const user = await requirePageRole(ROLES);
  const [health, { servers, consumers, groups, activeKeys: keys }, pending] = await Promise.all([configHealth(), consoleCounts(), countPendingChanges()]);
  const stats = [
    { label: "MCP servers", value: servers, href: "/servers" },
    { label: "Consumers", value: consumers, href: "/consumers" },
    { label: "Consumer groups", value: groups, href: "/groups" },
    { label: "Active API keys", value: keys, href: "/keys" },
    { label: "Pending tool changes", value: pending, href: "/servers" },
  ];
  return (
    <>
      <PageHeader title="Dashboard" description={`Signed in as ${user.email}.`} />
      {configIsHealthy(health) ? null : (
        <Card className="mb-6 border-red-300 dark:border-red-900">
          <h2 className="text-sm font-semibold">Needs attention</h2>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-sm" data-testid="dashboard-attention">
            {health.refusals.map((refusal) => (
              <li key={refusal.cause} className="text-red-700 dark:text-red-300">
                {refusal.planes.join(", ")}: {refusal.cause}
              </li>
            ))}
            {health.compileError ? <li className="text-red-700 dark:text-red-300">The last change did not compile: {health.compileError.problems[0]}</li> : null}
          </ul>
          {user.role === "admin" ? (
            <Link className="mt-2 inline-block text-sm text-indigo-600 hover:underline" href="/data-planes">
              Data planes
            </Link>
          ) : null}
        </Card>
      )}
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-5">
        {stats.map((stat) => (
          <Card key={stat.label}>
            <p className="text-sm text-zinc-500">{stat.label}</p>
            <p className="mt-1 text-2xl font-semibold tabular-nums">{stat.value}</p>
          </Card>
        ))}
      </div>
      {servers === 0 && user.role === "admin" ? (
        <Card className="mt-6">
          <h2 className="text-sm font-semibold">Get started</h2>
          <ol className="mt-2 list-decimal space-y-1 pl-5 text-sm text-zinc-600 dark:text-zinc-400">
            <li>
              Create{" "}
              <Link className="text-indigo-600 hover:underline" href="/groups">
                consumer groups
              </Link>{" "}
              such as admin and developer.
            </li>
            <li>
              Add an{" "}
              <Link className="text-indigo-600 hover:underline" href="/servers">
                MCP server
              </Link>{" "}
              and import its tools.
            </li>
            <li>Decide in the tool access matrix which group may call which tool.</li>
            <li>
              Create{" "}
              <Link className="text-indigo-600 hover:underline" href="/consumers">
                consumers
              </Link>{" "}
              and give their agents API keys.
            </li>
          </ol>
        </Card>
      ) : null}
    </>
  );
}
