import Link from "next/link";
import { Checklist } from "@/components/dashboard/checklist";
import { PendingApprovalsTile } from "@/components/dashboard/pending-approvals-tile";
import { Sparkline } from "@/components/dashboard/sparkline";
import { StatusTile } from "@/components/dashboard/status-tile";
import { TopTable } from "@/components/analytics/top-table";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { LocalTime } from "@/components/ui/local-time";
import { analyticsPath } from "@/lib/analytics/paths";
import { requirePageRole, type CurrentUser } from "@/lib/auth/session";
import { ROLES } from "@/lib/auth/roles";
import { plural } from "@/lib/client/plural";
import { adminDashboard, developerDashboard, EXPIRY_WARNING_DAYS } from "@/lib/console/dashboard";
import { configHealth, configIsHealthy, type ConfigHealth } from "@/lib/controlplane/config-health";

export const dynamic = "force-dynamic";

const LINK = "text-indigo-700 hover:underline dark:text-indigo-300";
const DECISION_TONE = { allow: "green", deny: "amber", error: "red" } as const;

function Attention({ health, admin }: { health: ConfigHealth; admin: boolean }) {
  if (configIsHealthy(health)) return null;
  return (
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
      {admin ? (
        <Link className={`mt-2 inline-block text-sm ${LINK}`} href="/data-planes">
          Data planes
        </Link>
      ) : null}
    </Card>
  );
}

async function AdminDashboard({ health, user }: { health: ConfigHealth; user: CurrentUser }) {
  const data = await adminDashboard();
  const { unhealthy, total } = data.planes;
  const refused = health.refusals.length + (health.compileError ? 1 : 0);
  const denials = data.lastHour.points.map((p) => p.denials);
  const errors = data.lastHour.points.map((p) => p.errors);
  return (
    <>
      <Checklist title="Get started" steps={data.checklist} />
      <h2 className="sr-only">Is anything wrong?</h2>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-3">
        <StatusTile
          label="Configuration"
          value={refused === 0 ? "Applied" : "Refused"}
          detail={refused === 0 ? `Version ${health.latestVersion ?? "—"} is the latest` : "A change did not reach the gateways"}
          href="/data-planes"
          tone={refused === 0 ? "ok" : "bad"}
        />
        <StatusTile
          label="Data planes"
          value={total === 0 ? "None" : unhealthy.length === 0 ? "In sync" : `${unhealthy.length} of ${total}`}
          detail={
            total === 0
              ? "No data plane is registered (the bundled gateway reads the database directly)"
              : unhealthy.length === 0
                ? `${plural(total, "data plane")} ${total === 1 ? "runs" : "run"} the latest version`
                : unhealthy.map((p) => `${p.name}: ${p.state.replace("_", " ")}`).join(", ")
          }
          href="/data-planes"
          tone={unhealthy.some((p) => p.state === "failed") ? "bad" : unhealthy.length > 0 ? "warn" : "ok"}
        />
        <StatusTile
          label="Pending tool changes"
          value={data.pending}
          detail={data.pending === 0 ? "No tool change is waiting for review" : `${plural(data.pending, "change")} held until reviewed`}
          href="/servers"
          tone={data.pending === 0 ? "ok" : "warn"}
        />
        <StatusTile
          label="Keys expiring soon"
          value={data.expiringKeys}
          detail={
            data.expiringKeys === 0
              ? `No key expires in the next ${EXPIRY_WARNING_DAYS} days`
              : `${plural(data.expiringKeys, "key")} ${data.expiringKeys === 1 ? "stops" : "stop"} working within ${EXPIRY_WARNING_DAYS} days`
          }
          href="/consumers"
          tone={data.expiringKeys === 0 ? "ok" : "warn"}
        />
        <StatusTile
          label="Denials, last hour"
          value={data.lastHour.totals.denials}
          detail={`of ${plural(data.lastHour.totals.requests, "call")}, per minute`}
          href="/audit?decision=deny&range=1h"
          tone={data.lastHour.totals.denials === 0 ? "ok" : "warn"}
        >
          <Sparkline values={denials} colour="var(--chart-denials)" label="Denials per minute over the last hour" />
        </StatusTile>
        <StatusTile
          label="Errors, last hour"
          value={data.lastHour.totals.errors}
          detail={`of ${plural(data.lastHour.totals.requests, "call")}, per minute`}
          href="/audit?decision=error&range=1h"
          tone={data.lastHour.totals.errors === 0 ? "ok" : "bad"}
        >
          <Sparkline values={errors} colour="var(--chart-errors)" label="Errors per minute over the last hour" />
        </StatusTile>
        <PendingApprovalsTile user={user} />
      </div>
      <div className="mt-6 grid grid-cols-1 gap-4 md:grid-cols-2">
        <TopTable title="Top consumers, last 24 hours" rows={data.topConsumers} href={(key) => analyticsPath.consumer(key, "24h")} />
        <Card>
          <h2 className="mb-2 text-sm font-semibold">What the console manages</h2>
          <ul className="space-y-1 text-sm">
            {(
              [
                ["/servers", plural(data.counts.servers, "MCP server")],
                ["/consumers", plural(data.counts.consumers, "consumer")],
                ["/groups", plural(data.counts.groups, "group")],
                ["/consumers", plural(data.counts.activeKeys, "active API key")],
              ] as const
            ).map(([href, text]) => (
              <li key={text}>
                <Link className={LINK} href={href}>
                  {text}
                </Link>
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </>
  );
}

async function DeveloperDashboard({ user }: { user: CurrentUser }) {
  const data = await developerDashboard(user.id);
  return (
    <>
      <Checklist title="Connect your client" steps={data.checklist} />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        <StatusTile
          label="My keys"
          value={data.activeKeys}
          detail={
            data.expiringKeys === 0
              ? plural(data.activeKeys, "active key")
              : `${plural(data.expiringKeys, "key")} ${data.expiringKeys === 1 ? "expires" : "expire"} within ${EXPIRY_WARNING_DAYS} days`
          }
          href="/keys"
          tone={data.activeKeys === 0 ? "warn" : data.expiringKeys > 0 ? "warn" : "ok"}
        />
        <StatusTile
          label="My access"
          value={data.usableServers}
          detail={`${data.usableServers === 1 ? "MCP server" : "MCP servers"} with tools you may call`}
          href="/my-access"
          tone={data.usableServers === 0 ? "warn" : "ok"}
        />
        <StatusTile
          label="My consumers"
          value={data.usernames.length}
          detail={data.usernames.join(", ") || "None yet"}
          href={data.usernames.length === 1 ? analyticsPath.consumer(data.usernames[0]!, "24h") : "/keys"}
          tone={data.usernames.length === 0 ? "warn" : "ok"}
        />
        <PendingApprovalsTile user={user} />
      </div>
      <h2 className="mb-2 mt-6 text-sm font-semibold">My recent calls</h2>
      {data.recentCalls.length === 0 ? (
        <EmptyState title="No calls in the last 7 days">Calls your agents make through the gateways appear here.</EmptyState>
      ) : (
        <Table label="My recent calls">
          <thead>
            <tr>
              <Th>Time</Th>
              <Th>Consumer</Th>
              <Th>Server</Th>
              <Th>Tool or method</Th>
              <Th>Decision</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {data.recentCalls.map((call) => (
              <tr key={call.id}>
                <Td className="text-xs">
                  <LocalTime iso={call.time.toISOString()} />
                </Td>
                <Td>{call.consumerName}</Td>
                <Td>{call.serverName}</Td>
                <Td className="font-mono text-xs">{call.toolName ?? call.method ?? "—"}</Td>
                <Td>
                  <Badge tone={DECISION_TONE[call.decision]}>{call.decision}</Badge>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}

export default async function DashboardPage() {
  const user = await requirePageRole(ROLES);
  const health = await configHealth();
  const admin = user.role === "admin";
  return (
    <>
      <PageHeader
        title="Dashboard"
        description={admin ? "Whether anything needs you right now; every tile opens where it is fixed." : `Signed in as ${user.email}: your keys, access and calls.`}
      />
      <Attention health={health} admin={admin} />
      {admin ? <AdminDashboard health={health} user={user} /> : <DeveloperDashboard user={user} />}
    </>
  );
}
