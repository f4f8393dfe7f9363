import type { Metadata } from "next";
import { BreakdownTable } from "@/components/analytics/breakdown-table";
import { ScopedDashboard } from "@/components/analytics/scoped-dashboard";
import { analyticsPath } from "@/lib/analytics/paths";
import { parseRange } from "@/lib/analytics/queries";
import { requirePageRole } from "@/lib/auth/session";
import { serverDashboard } from "@/lib/console/analytics-dashboards";

export const metadata: Metadata = { title: "Server analytics" };

export default async function ServerAnalyticsPage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<{ range?: string }> }) {
  await requirePageRole(["admin", "viewer"]);
  const name = decodeURIComponent((await params).name);
  const range = parseRange((await searchParams).range);
  const { series, rows } = await serverDashboard(range, name);
  return (
    <ScopedDashboard
      title={`Server ${name}`}
      description="Traffic, latency, errors and denials"
      range={range}
      basePath={`/analytics/servers/${encodeURIComponent(name)}`}
      series={series}
    >
      <div className="grid gap-4 xl:grid-cols-2">
        <div>
          <h2 className="mb-2 text-sm font-semibold">Tools</h2>
          <BreakdownTable label="Tools" rows={rows} columns={["tool"]} href={{ tool: (r) => analyticsPath.tool(`${r.server}/${r.tool}`, range) }} />
        </div>
        <div>
          <h2 className="mb-2 text-sm font-semibold">Consumers using it</h2>
          <BreakdownTable label="Consumers" rows={rows} columns={["consumer"]} href={{ consumer: (r) => analyticsPath.consumer(r.consumer, range) }} />
        </div>
      </div>
    </ScopedDashboard>
  );
}
