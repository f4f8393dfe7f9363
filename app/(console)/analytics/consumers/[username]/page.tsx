import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { BreakdownTable } from "@/components/analytics/breakdown-table";
import { ScopedDashboard } from "@/components/analytics/scoped-dashboard";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import { analyticsPath } from "@/lib/analytics/paths";
import { parseRange } from "@/lib/analytics/queries";
import { ROLES } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { consumerDashboard, consumerKeysOverview } from "@/lib/console/analytics-dashboards";

export const metadata: Metadata = { title: "Consumer analytics" };

export default async function ConsumerAnalyticsPage({ params, searchParams }: { params: Promise<{ username: string }>; searchParams: Promise<{ range?: string }> }) {
  const user = await requirePageRole(ROLES);
  const username = decodeURIComponent((await params).username);
  const consumer = await consumerKeysOverview(username);
  // Developers see their own consumers only, from when each took its name (the traffic before is an earlier
  // namesake's, lib/console/audit-events.ts auditScopeFor); the check is here, on the server.
  if (user.role === "developer" && consumer?.ownerUserId !== user.id) forbidden();
  const range = parseRange((await searchParams).range);
  const { series, rows } = await consumerDashboard(range, username, user.role === "developer" ? consumer?.namedAt : undefined);
  const denied = rows.filter((r) => r.denials > 0);
  const observer = user.role !== "developer";
  return (
    <ScopedDashboard
      title={`Consumer ${username}`}
      description="Calls made with this consumer's keys"
      range={range}
      basePath={`/analytics/consumers/${encodeURIComponent(username)}`}
      series={series}
    >
      <div className="grid gap-4 xl:grid-cols-2">
        <div>
          <h2 className="mb-2 text-sm font-semibold">Tools used</h2>
          <BreakdownTable
            label="Tools used"
            rows={rows}
            columns={["server", "tool"]}
            href={observer ? { tool: (r) => analyticsPath.tool(`${r.server}/${r.tool}`, range) } : undefined}
          />
        </div>
        <div>
          <h2 className="mb-2 text-sm font-semibold">Denied calls</h2>
          {denied.length === 0 ? (
            <p className="text-sm text-zinc-500">No denied calls in this range.</p>
          ) : (
            <>
              <BreakdownTable label="Denied calls" rows={denied.map((r) => ({ ...r, requests: r.denials }))} columns={["server", "tool"]} />
              {observer ? (
                <Link
                  className="mt-2 inline-block text-sm text-indigo-700 hover:underline dark:text-indigo-300"
                  href={`/audit?consumer=${encodeURIComponent(username)}&decision=deny`}
                >
                  See each denial and its reason in the audit explorer
                </Link>
              ) : null}
            </>
          )}
        </div>
      </div>
      <div>
        <h2 className="mb-2 text-sm font-semibold">Keys</h2>
        {consumer && consumer.apiKeys.length > 0 ? (
          <Table label="Keys">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Prefix</Th>
                <Th>Last used</Th>
                <Th>State</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {consumer.apiKeys.map((key) => (
                <tr key={key.id}>
                  <Td>{key.name}</Td>
                  <Td className="font-mono text-xs">{key.prefix}…</Td>
                  <Td className="text-xs">{key.lastUsedAt ? <LocalTime iso={key.lastUsedAt.toISOString()} /> : "never"}</Td>
                  <Td className="text-xs">{key.revokedAt ? "revoked" : key.expiresAt && key.expiresAt < new Date() ? "expired" : "active"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        ) : (
          <p className="text-sm text-zinc-500">This consumer has no keys.</p>
        )}
      </div>
    </ScopedDashboard>
  );
}
