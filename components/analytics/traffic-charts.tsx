"use client";
import { Area, AreaChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { SeriesPoint } from "@/lib/analytics/queries";
import { Card } from "../ui/card";

const tick = (spanHours: number) => (iso: string) => {
  const d = new Date(iso);
  return spanHours > 48 ? d.toLocaleDateString(undefined, { month: "short", day: "numeric" }) : d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
};

export function TrafficCharts({ points, spanHours }: { points: SeriesPoint[]; spanHours: number }) {
  const format = tick(spanHours);
  const label = (iso: unknown) => new Date(String(iso)).toLocaleString();
  return (
    <div className="grid gap-4 xl:grid-cols-2">
      <Card>
        <h2 className="mb-2 text-sm font-semibold">Requests</h2>
        <div className="h-56" role="img" aria-label="Requests, denials and errors over time">
          <ResponsiveContainer>
            <AreaChart data={points} margin={{ left: -12, right: 8 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e4e4e7" />
              <XAxis dataKey="t" tickFormatter={format} minTickGap={32} fontSize={11} />
              <YAxis allowDecimals={false} fontSize={11} />
              <Tooltip labelFormatter={label} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Area type="monotone" dataKey="requests" name="requests" stroke="#4f46e5" fill="#4f46e5" fillOpacity={0.15} isAnimationActive={false} />
              <Area type="monotone" dataKey="denials" name="denied" stroke="#d97706" fill="#d97706" fillOpacity={0.2} isAnimationActive={false} />
              <Area type="monotone" dataKey="errors" name="errors" stroke="#dc2626" fill="#dc2626" fillOpacity={0.2} isAnimationActive={false} />
            </AreaChart>
          </ResponsiveContainer>
        </div>
      </Card>
      <Card>
        <h2 className="mb-2 text-sm font-semibold">Latency (ms)</h2>
        <div className="h-56" role="img" aria-label="Latency percentiles over time">
          <ResponsiveContainer>
            <LineChart data={points} margin={{ left: -12, right: 8 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e4e4e7" />
              <XAxis dataKey="t" tickFormatter={format} minTickGap={32} fontSize={11} />
              <YAxis fontSize={11} />
              <Tooltip labelFormatter={label} formatter={(v) => (typeof v === "number" ? `${v.toFixed(1)} ms` : "—")} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Line type="monotone" dataKey="p50" stroke="#16a34a" dot={false} connectNulls isAnimationActive={false} />
              <Line type="monotone" dataKey="p95" stroke="#d97706" dot={false} connectNulls isAnimationActive={false} />
              <Line type="monotone" dataKey="p99" stroke="#dc2626" dot={false} connectNulls isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </div>
      </Card>
    </div>
  );
}
