import Link from "next/link";
import { RANGES, type RangeKey } from "@/lib/analytics/queries";

export function RangeTabs({ current, basePath }: { current: RangeKey; basePath: string }) {
  return (
    <nav aria-label="Time range" className="inline-flex rounded-md bg-zinc-100 p-0.5 text-sm dark:bg-zinc-800">
      {(Object.keys(RANGES) as RangeKey[]).map((key) => (
        <Link
          key={key}
          href={`${basePath}?range=${key}`}
          aria-current={key === current ? "page" : undefined}
          className={`rounded px-2.5 py-1 ${key === current ? "bg-white font-medium shadow-sm dark:bg-zinc-900" : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-400"}`}
        >
          {key}
        </Link>
      ))}
    </nav>
  );
}
