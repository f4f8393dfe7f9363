import type { Metadata } from "next";
import { BreakdownTable } from "@/components/analytics/breakdown-table";
import { ScopedDashboard } from "@/components/analytics/scoped-dashboard";
import { analyticsPath } from "@/lib/analytics/paths";
import { parseRange } from "@/lib/analytics/queries";
import { requirePageRole } from "@/lib/auth/session";
import { toolDashboard } from "@/lib/console/analytics-dashboards";

export const metadata: Metadata = { title: "Tool analytics" };

export default async function ToolAnalyticsPage({ params, searchParams }: { params: Promise<{ server: string; tool: string }>; searchParams: Promise<{ range?: string }> }) {
  await requirePageRole(["admin", "viewer"]);
  const { server: rawServer, tool: rawTool } = await params;
  const [server, tool] = [decodeURIComponent(rawServer), decodeURIComponent(rawTool)];
  const range = parseRange((await searchParams).range);
  const { series, rows } = await toolDashboard(range, server, tool);
  return (
    <ScopedDashboard
      title={`Tool ${tool}`}
      description={`On server ${server}`}
      range={range}
      basePath={`/analytics/tools/${encodeURIComponent(server)}/${encodeURIComponent(tool)}`}
      series={series}
    >
      <h2 className="text-sm font-semibold">Consumers using it</h2>
      <BreakdownTable label="Consumers" rows={rows} columns={["consumer"]} href={{ consumer: (r) => analyticsPath.consumer(r.consumer, range) }} />
    </ScopedDashboard>
  );
}
