import type { ReactNode } from "react";
import { Card } from "./card";

/** A chart's card: its title, what one point stands for, and "No data in this range" instead of an empty frame. */
export function ChartFrame({ title, caption, empty, label, children }: { title: string; caption: string; empty: boolean; label: string; children: ReactNode }) {
  return (
    <Card>
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-x-3">
        <h2 className="text-sm font-semibold">{title}</h2>
        <p className="text-xs text-zinc-500">{caption}</p>
      </div>
      {empty ? (
        <div className="flex h-56 items-center justify-center rounded-md border border-dashed border-zinc-300 text-sm text-zinc-500 dark:border-zinc-700" data-testid="chart-empty">
          No data in this range
        </div>
      ) : (
        <div className="h-56" role="img" aria-label={label}>
          {children}
        </div>
      )}
    </Card>
  );
}

/** Recharts styling from the theme's CSS variables (app/globals.css). */
export const CHART_AXIS = { fontSize: 11, stroke: "var(--chart-axis)", tick: { fill: "var(--chart-axis)" } } as const;
export const CHART_TOOLTIP = {
  contentStyle: { background: "var(--chart-tooltip-bg)", borderColor: "var(--chart-tooltip-border)", fontSize: 12 },
  labelStyle: { color: "var(--chart-axis)" },
} as const;

/** "1 min", "15 min", "1 h", "6 h": the width of one point. */
export function bucketLabel(pointMs: number): string {
  return pointMs < 3_600_000 ? `${pointMs / 60_000} min` : `${pointMs / 3_600_000} h`;
}

/** Points worth a dot of their own: a line through fewer than this many values, or a value with no neighbour, would not be seen. */
export function needsDots(values: (number | null)[]): boolean {
  const present = values.filter((v) => v !== null && v !== 0).length;
  if (present > 0 && present < 12) return true;
  return values.some((v, i) => v !== null && v !== 0 && (values[i - 1] ?? null) === null && (values[i + 1] ?? null) === null);
}

/** Recharts `dot`: a dot on each point that has a value (not on the zeros and gaps), for series where a line alone would not be seen. */
export function valueDots(colour: string, r = 3) {
  function ValueDot(props: { cx?: number; cy?: number; value?: unknown; index?: number }) {
    const { cx, cy, index } = props;
    // An area's point carries [base, value]; a line's, the value.
    const value: unknown = Array.isArray(props.value) ? (props.value as unknown[])[props.value.length - 1] : props.value;
    const shown = typeof value === "number" && value !== 0 && cx !== undefined && cy !== undefined;
    return shown ? <circle key={index} cx={cx} cy={cy} r={r} fill={colour} /> : <g key={index} />;
  }
  return ValueDot;
}
