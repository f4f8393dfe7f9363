"use client";
import { Area, AreaChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { SeriesPoint } from "@/lib/analytics/queries";
import { formatInstant } from "@/lib/client/format-date";
import { bucketLabel, CHART_AXIS, CHART_TOOLTIP, ChartFrame, needsDots, valueDots } from "../ui/chart-frame";

const tick = (spanHours: number) => (iso: string) => formatInstant(iso, spanHours > 48 ? "date" : "time");

const COUNTS = [
  ["requests", "requests", "var(--chart-requests)", 0.15],
  ["denials", "denied", "var(--chart-denials)", 0.2],
  ["errors", "errors", "var(--chart-errors)", 0.2],
] as const;
const LATENCIES = [
  ["p50", "var(--chart-p50)"],
  ["p95", "var(--chart-p95)"],
  ["p99", "var(--chart-p99)"],
] as const;

export function TrafficCharts({ points, spanHours, pointMs }: { points: SeriesPoint[]; spanHours: number; pointMs: number }) {
  const format = tick(spanHours);
  const label = (iso: unknown) => formatInstant(String(iso));
  const bucket = bucketLabel(pointMs);
  const noRequests = points.every((p) => p.requests === 0);
  const noLatency = points.every((p) => p.p50 === null);
  return (
    <div className="grid gap-4 xl:grid-cols-2">
      <ChartFrame title="Requests" caption={`calls per ${bucket}`} empty={noRequests} label="Requests, denials and errors over time">
        <ResponsiveContainer>
          <AreaChart data={points} margin={{ left: 0, right: 8, bottom: 4 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--chart-grid)" />
            <XAxis dataKey="t" tickFormatter={format} minTickGap={32} {...CHART_AXIS} />
            <YAxis
              allowDecimals={false}
              width={40}
              label={{ value: `calls / ${bucket}`, angle: -90, position: "insideLeft", fill: "var(--chart-axis)", fontSize: 11 }}
              {...CHART_AXIS}
            />
            <Tooltip labelFormatter={label} {...CHART_TOOLTIP} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {COUNTS.map(([key, name, colour, opacity]) => (
              <Area
                key={key}
                type="monotone"
                dataKey={key}
                name={name}
                stroke={colour}
                fill={colour}
                fillOpacity={opacity}
                dot={needsDots(points.map((p) => p[key])) ? valueDots(colour) : false}
                isAnimationActive={false}
              />
            ))}
          </AreaChart>
        </ResponsiveContainer>
      </ChartFrame>
      <ChartFrame title="Latency" caption={`percentiles per ${bucket}, in ms`} empty={noLatency} label="Latency percentiles over time">
        <ResponsiveContainer>
          <LineChart data={points} margin={{ left: 0, right: 8, bottom: 4 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--chart-grid)" />
            <XAxis dataKey="t" tickFormatter={format} minTickGap={32} {...CHART_AXIS} />
            <YAxis width={40} label={{ value: "ms", angle: -90, position: "insideLeft", fill: "var(--chart-axis)", fontSize: 11 }} {...CHART_AXIS} />
            <Tooltip labelFormatter={label} formatter={(v) => (typeof v === "number" ? `${v.toFixed(1)} ms` : "—")} {...CHART_TOOLTIP} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {LATENCIES.map(([key, colour]) => (
              <Line
                key={key}
                type="monotone"
                dataKey={key}
                stroke={colour}
                dot={needsDots(points.map((p) => p[key])) ? valueDots(colour) : false}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </ChartFrame>
    </div>
  );
}
