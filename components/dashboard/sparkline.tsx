"use client";
import { Area, AreaChart, ResponsiveContainer } from "recharts";
import { needsDots, valueDots } from "../ui/chart-frame";

/** A tile's small trend: one value per bucket, dots when the series is too sparse for a line to show. */
export function Sparkline({ values, colour, label }: { values: number[]; colour: string; label: string }) {
  if (values.every((v) => v === 0)) return <p className="mt-2 h-8 text-xs text-zinc-500">No data in this range</p>;
  const data = values.map((value, i) => ({ i, value }));
  return (
    <div className="mt-2 h-8" role="img" aria-label={label}>
      <ResponsiveContainer>
        <AreaChart data={data} margin={{ top: 3, bottom: 3, left: 3, right: 3 }}>
          <Area type="monotone" dataKey="value" stroke={colour} fill={colour} fillOpacity={0.2} dot={needsDots(values) ? valueDots(colour, 2) : false} isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
