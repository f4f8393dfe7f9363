"use client";
// The console's one timestamp: lib/client/format-date.ts, in the viewer's own
// time zone (the server's would be wrong), UTC until the browser takes over.
import { useSyncExternalStore } from "react";
import { formatInstant, formatInstantUtc, type DateMode } from "@/lib/client/format-date";

const subscribe = () => () => {};

export function LocalTime({ iso, mode = "datetime", fallback = "—" }: { iso: string | null | undefined; mode?: DateMode; fallback?: string }) {
  const hydrated = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  if (!iso) return <span className="text-zinc-400">{fallback}</span>;
  return (
    <time dateTime={iso} data-mode={mode} title={iso} className="whitespace-nowrap" suppressHydrationWarning>
      {hydrated ? formatInstant(iso, mode) : formatInstantUtc(iso, mode)}
    </time>
  );
}
