import type { Metadata } from "next";
import { Kpis } from "@/components/analytics/kpis";
import { RangeTabs } from "@/components/analytics/range-tabs";
import { TopTable } from "@/components/analytics/top-table";
import { TrafficCharts } from "@/components/analytics/traffic-charts";
import { PageHeader } from "@/components/ui/page-header";
import { parseRange, RANGES } from "@/lib/analytics/queries";
import { analyticsPath } from "@/lib/analytics/paths";
import { requirePageRole } from "@/lib/auth/session";
import { overviewDashboard } from "@/lib/console/analytics-dashboards";

export const metadata: Metadata = { title: "Analytics" };

export default async function AnalyticsPage({ searchParams }: { searchParams: Promise<{ range?: string }> }) {
  await requirePageRole(["admin", "viewer"]);
  const range = parseRange((await searchParams).range);
  const { series, servers, tools, consumers, denied, throttled } = await overviewDashboard(range);
  return (
    <>
      <PageHeader title="Analytics" description={`${RANGES[range].label}: every call through the gateways.`} actions={<RangeTabs current={range} basePath="/analytics" />} />
      <div className="space-y-4">
        <Kpis totals={series.totals} />
        <TrafficCharts points={series.points} spanHours={RANGES[range].spanMs / 3_600_000} pointMs={RANGES[range].pointMs} />
        <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-4">
          <TopTable title="Top servers" rows={servers} href={(key) => analyticsPath.server(key, range)} />
          <TopTable title="Top tools" rows={tools} href={(key) => analyticsPath.tool(key, range)} />
          <TopTable title="Top consumers" rows={consumers} href={(key) => analyticsPath.consumer(key, range)} />
          <TopTable title="Most denied tools" rows={denied} metric="denials" href={(key) => analyticsPath.tool(key, range)} />
        </div>
        <div className="grid gap-4 md:grid-cols-3" data-testid="throttled">
          <TopTable title="Throttled consumers" rows={throttled.consumers} metric="throttled" href={(key) => analyticsPath.consumer(key, range)} />
          <TopTable title="Throttled servers" rows={throttled.servers} metric="throttled" href={(key) => analyticsPath.server(key, range)} />
          <TopTable title="Throttled tools" rows={throttled.tools} metric="throttled" href={(key) => analyticsPath.tool(key, range)} />
        </div>
      </div>
    </>
  );
}
