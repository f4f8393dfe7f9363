import type { Totals } from "@/lib/analytics/queries";
import { Card } from "../ui/card";

export const formatMs = (ms: number | null) => (ms === null ? "—" : ms < 10 ? `${ms.toFixed(1)} ms` : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
const percent = (part: number, whole: number) => (whole === 0 ? "—" : `${((100 * part) / whole).toFixed(1)} %`);

export function Kpis({ totals }: { totals: Totals }) {
  const items = [
    { label: "Requests", value: totals.requests.toLocaleString("en") },
    { label: "Denied", value: totals.denials.toLocaleString("en"), detail: percent(totals.denials, totals.requests) },
    { label: "Errors", value: totals.errors.toLocaleString("en"), detail: percent(totals.errors, totals.requests) },
    { label: "Latency p50 / p95 / p99", value: `${formatMs(totals.p50)} / ${formatMs(totals.p95)} / ${formatMs(totals.p99)}` },
  ];
  return (
    <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
      {items.map((item) => (
        <Card key={item.label}>
          <p className="text-xs text-zinc-500">{item.label}</p>
          <p className="mt-1 text-lg font-semibold tabular-nums" data-testid={`kpi-${item.label.split(" ")[0]!.toLowerCase()}`}>
            {item.value}
          </p>
          {item.detail ? <p className="text-xs text-zinc-500">{item.detail}</p> : null}
        </Card>
      ))}
    </div>
  );
}
