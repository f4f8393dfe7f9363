"use client";
// Renders an instant in the viewer's own time zone (the server's would be wrong).
import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

export function LocalTime({ iso, mode = "datetime" }: { iso: string | null | undefined; mode?: "datetime" | "time" | "date" }) {
  const hydrated = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  if (!iso) return <span>—</span>;
  const date = new Date(iso);
  const text = !hydrated
    ? iso.slice(0, 16).replace("T", " ") + " UTC"
    : mode === "time"
      ? date.toLocaleTimeString()
      : mode === "date"
        ? date.toLocaleDateString()
        : date.toLocaleString();
  return (
    <time dateTime={iso} title={iso} suppressHydrationWarning>
      {text}
    </time>
  );
}
