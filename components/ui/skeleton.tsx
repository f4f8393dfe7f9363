/** Placeholder rows while a page's data loads. */
export function TableSkeleton({ rows = 8, label }: { rows?: number; label: string }) {
  return (
    <div role="status" aria-label={label} className="animate-pulse overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <div className="h-9 border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900" />
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="flex gap-4 border-b border-zinc-100 px-3 py-3 last:border-0 dark:border-zinc-800">
          <div className="h-3 w-1/4 rounded bg-zinc-200 dark:bg-zinc-800" />
          <div className="h-3 w-1/6 rounded bg-zinc-100 dark:bg-zinc-800" />
          <div className="h-3 w-1/3 rounded bg-zinc-100 dark:bg-zinc-800" />
        </div>
      ))}
    </div>
  );
}

export function HeaderSkeleton() {
  return (
    <div className="mb-6 animate-pulse space-y-2">
      <div className="h-6 w-48 rounded bg-zinc-200 dark:bg-zinc-800" />
      <div className="h-4 w-96 max-w-full rounded bg-zinc-100 dark:bg-zinc-800" />
    </div>
  );
}
