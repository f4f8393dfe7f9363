import Link from "next/link";
import type { TopRow } from "@/lib/analytics/queries";
import { Card } from "../ui/card";

export function TopTable({
  title,
  rows,
  href,
  metric = "requests",
}: {
  title: string;
  rows: TopRow[];
  href?: (key: string) => string;
  metric?: "requests" | "denials" | "throttled";
}) {
  const max = Math.max(1, ...rows.map((r) => r[metric]));
  return (
    <Card>
      <h2 className="mb-2 text-sm font-semibold">{title}</h2>
      {rows.length === 0 ? (
        <p className="text-sm text-zinc-500">Nothing in this range.</p>
      ) : (
        <ul className="space-y-1.5" aria-label={title}>
          {rows.map((row) => (
            <li key={row.key} className="text-sm">
              <div className="flex justify-between gap-2">
                {href ? (
                  <Link href={href(row.key)} className="truncate text-indigo-700 hover:underline dark:text-indigo-300">
                    {row.key}
                  </Link>
                ) : (
                  <span className="truncate">{row.key}</span>
                )}
                <span className="tabular-nums text-zinc-600 dark:text-zinc-400">{row[metric].toLocaleString("en")}</span>
              </div>
              <div className="mt-0.5 h-1 rounded bg-zinc-100 dark:bg-zinc-800">
                <div
                  className={`h-1 rounded ${metric === "requests" ? "bg-indigo-500" : metric === "denials" ? "bg-amber-500" : "bg-red-500"}`}
                  style={{ width: `${(100 * row[metric]) / max}%` }}
                />
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
