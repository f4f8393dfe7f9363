import Link from "next/link";
import type { ReactNode } from "react";

const TONES = {
  ok: "border-zinc-200 dark:border-zinc-800",
  warn: "border-amber-300 dark:border-amber-800",
  bad: "border-red-400 dark:border-red-800",
} as const;

const MARKS = { ok: "bg-emerald-500", warn: "bg-amber-500", bad: "bg-red-500" } as const;

/** One dashboard answer ("2 data planes out of sync"), coloured by whether it needs someone, and a link to where it is fixed. */
export function StatusTile({
  label,
  value,
  detail,
  href,
  tone,
  children,
}: {
  label: string;
  value: ReactNode;
  detail: string;
  href: string;
  tone: keyof typeof TONES;
  children?: ReactNode;
}) {
  return (
    <Link
      href={href}
      data-testid={`tile-${label}`}
      data-tone={tone}
      className={`block rounded-lg border bg-white p-4 shadow-sm hover:bg-zinc-50 dark:bg-zinc-900 dark:hover:bg-zinc-800/60 ${TONES[tone]}`}
    >
      <p className="flex items-center gap-2 text-sm text-zinc-500">
        <span aria-hidden className={`size-2 rounded-full ${MARKS[tone]}`} />
        {label}
      </p>
      <p className="mt-1 text-2xl font-semibold tabular-nums">{value}</p>
      <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">{detail}</p>
      {children}
    </Link>
  );
}
