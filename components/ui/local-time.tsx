"use client";
// The console's one timestamp: lib/client/format-date.ts, in the viewer's own
// time zone (the server's would be wrong), UTC until the browser takes over.
import { formatInstant, formatInstantUtc, type DateMode } from "@/lib/client/format-date";
import { useHydrated } from "@/lib/client/use-hydrated";

export function LocalTime({ iso, mode = "datetime", fallback = "—" }: { iso: string | null | undefined; mode?: DateMode; fallback?: string }) {
  const hydrated = useHydrated();
  if (!iso) return <span className="text-zinc-400">{fallback}</span>;
  return (
    <time dateTime={iso} data-mode={mode} title={iso} className="whitespace-nowrap" suppressHydrationWarning>
      {hydrated ? formatInstant(iso, mode) : formatInstantUtc(iso, mode)}
    </time>
  );
}
