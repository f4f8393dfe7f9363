import type { ReactNode } from "react";
import { RANGES, type RangeKey, type SeriesPoint, type Totals } from "@/lib/analytics/queries";
import { PageHeader } from "../ui/page-header";
import { Kpis } from "./kpis";
import { RangeTabs } from "./range-tabs";
import { TrafficCharts } from "./traffic-charts";

/** The common frame of the per-consumer, per-server and per-tool dashboards. */
export function ScopedDashboard(props: {
  title: string;
  description: string;
  range: RangeKey;
  basePath: string;
  series: { points: SeriesPoint[]; totals: Totals };
  children: ReactNode;
}) {
  return (
    <>
      <PageHeader title={props.title} description={`${props.description} · ${RANGES[props.range].label}`} actions={<RangeTabs current={props.range} basePath={props.basePath} />} />
      <div className="space-y-4">
        <Kpis totals={props.series.totals} />
        <TrafficCharts points={props.series.points} spanHours={RANGES[props.range].spanMs / 3_600_000} pointMs={RANGES[props.range].pointMs} />
        {props.children}
      </div>
    </>
  );
}
