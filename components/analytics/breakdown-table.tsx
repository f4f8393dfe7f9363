import Link from "next/link";
import type { BreakdownRow } from "@/lib/analytics/queries";
import { Table, Td, Th } from "../ui/table";

type Column = "server" | "consumer" | "tool";

const percent = (part: number, whole: number) => (whole === 0 ? "—" : `${((100 * part) / whole).toFixed(1)} %`);

/** Rows grouped by the given columns (others summed), busiest first. */
export function BreakdownTable({
  label,
  rows,
  columns,
  href,
}: {
  label: string;
  rows: BreakdownRow[];
  columns: Column[];
  href?: Partial<Record<Column, (row: BreakdownRow) => string>>;
}) {
  const grouped = new Map<string, BreakdownRow>();
  for (const row of rows) {
    const key = columns.map((c) => row[c]).join("\u0000");
    const sum = grouped.get(key);
    if (sum) {
      sum.requests += row.requests;
      sum.denials += row.denials;
      sum.errors += row.errors;
    } else grouped.set(key, { ...row });
  }
  const sorted = [...grouped.values()].sort((a, b) => b.requests - a.requests);
  if (sorted.length === 0) return <p className="text-sm text-zinc-500">No traffic in this range.</p>;
  return (
    <Table label={label}>
      <thead>
        <tr>
          {columns.map((c) => (
            <Th key={c} className="capitalize">
              {c}
            </Th>
          ))}
          <Th className="text-right">Requests</Th>
          <Th className="text-right">Denied</Th>
          <Th className="text-right">Error rate</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {sorted.map((row) => (
          <tr key={columns.map((c) => row[c]).join("/")}>
            {columns.map((c) => (
              <Td key={c}>
                {href?.[c] && row[c] ? (
                  <Link className="text-indigo-700 hover:underline dark:text-indigo-300" href={href[c](row)}>
                    {row[c]}
                  </Link>
                ) : (
                  row[c] || <span className="text-zinc-400">(none)</span>
                )}
              </Td>
            ))}
            <Td className="text-right tabular-nums">{row.requests.toLocaleString("en")}</Td>
            <Td className="text-right tabular-nums">{row.denials.toLocaleString("en")}</Td>
            <Td className="text-right tabular-nums">{percent(row.errors, row.requests)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
